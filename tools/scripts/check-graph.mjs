// Checks the project graph Nx computes (`nx graph`): every dependency between vth projects points down the
// layers of docs/architecture.md, so nothing depends on the app, and nothing but the app depends on a backend.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RANK = {
  'type:core': 0,
  'type:protocol': 0,
  // The prebuilt page: it bundles @vth/protocol at build time and has no run-time dependency.
  'type:dashboard': 1,
  'type:shell-integration': 1,
  'type:testkit': 1,
  'type:factory': 1,
  'type:security': 1,
  'type:kit': 2,
  'type:backend': 3,
  'type:manager': 3,
  'type:facade': 4,
  'type:alerting': 4,
  'type:server': 4,
  // MCP over any backend; it reuses the server's token and Host checks.
  'type:mcp': 5,
  'type:app': 6,
  'type:tooling': 7,
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
  // What a package needs at run time is in its package.json dependencies; an edge Nx finds otherwise comes
  // from its tests (a spec that runs a real backend), which may reach anywhere.
  const runtimeDeps = (name) => {
    const pkg = JSON.parse(readFileSync(join(graph.nodes[name].data.root, 'package.json'), 'utf8'));
    return new Set(
      Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies }),
    );
  };
  const problems = [];
  const testOnly = [];
  let edges = 0;
  const names = Object.keys(graph.nodes).sort();
  for (const source of names) {
    const runtime = runtimeDeps(source);
    const down = [];
    for (const { target } of graph.dependencies[source] ?? []) {
      if (!graph.nodes[target]) continue; // npm packages
      if (!runtime.has(target)) {
        testOnly.push(`${source} -> ${target}`);
        continue;
      }
      edges++;
      down.push(target);
      if (rankOf(target) >= rankOf(source)) problems.push(`${source} -> ${target} points up or sideways`);
    }
    console.log(`${source} -> ${down.length ? down.sort().join(', ') : '(nothing)'}`);
  }
  if (testOnly.length)
    console.log(
      `\ntest-only (spec files use them; not installed with the package):\n  ${testOnly.join('\n  ')}`,
    );
  if (problems.length) {
    console.error(`\ndependency graph problems:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`\n${names.length} projects, ${edges} run-time dependencies, all pointing down`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
