// Checks the project graph Nx computes (`nx graph`): every dependency between vth projects points down the
// layers of ARCHITECTURE.md, so nothing depends on the app, and nothing but the app depends on a backend.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RANK = {
  'type:core': 0,
  'type:shell-integration': 1,
  'type:testkit': 1,
  'type:factory': 1,
  'type:backend': 2,
  'type:manager': 2,
  'type:facade': 3,
  'type:app': 4,
  'type:tooling': 5,
};

const dir = mkdtempSync(join(tmpdir(), 'vth-graph-'));
try {
  const file = join(dir, 'graph.json');
  execFileSync('npx', ['nx', 'graph', `--file=${file}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  const { graph } = JSON.parse(readFileSync(file, 'utf8'));
  const rankOf = (name) => {
    const tags = graph.nodes[name]?.data?.tags ?? [];
    const ranks = tags.map((t) => RANK[t]).filter((r) => r !== undefined);
    if (ranks.length !== 1)
      throw new Error(`${name}: expected exactly one layer tag (type:...), found [${tags}]`);
    return ranks[0];
  };
  const problems = [];
  let edges = 0;
  for (const [source, deps] of Object.entries(graph.dependencies)) {
    if (!graph.nodes[source]) continue;
    for (const { target } of deps) {
      if (!graph.nodes[target]) continue; // npm packages
      edges++;
      if (rankOf(target) >= rankOf(source)) problems.push(`${source} -> ${target} points up or sideways`);
    }
  }
  const names = Object.keys(graph.nodes).sort();
  for (const n of names) {
    const deps = graph.dependencies[n].map((d) => d.target).filter((t) => graph.nodes[t]);
    console.log(`${n} -> ${deps.length ? deps.sort().join(', ') : '(nothing)'}`);
  }
  if (problems.length) {
    console.error(`\ndependency graph problems:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`\n${names.length} projects, ${edges} dependencies, all pointing down`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
