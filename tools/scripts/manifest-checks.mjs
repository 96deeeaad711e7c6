// The package.json rules pack-check enforces on every published package: peers, exact pins (each with its
// reason in tools/pins.md), keywords, sideEffects, and repository fields taken from the root package.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const RUNTIME_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'];
const EXACT = /^\d+\.\d+\.\d+(-[\w.]+)?$/;

/** `package dependency version` of each row of the pins table in tools/pins.md. */
export function readPins(root) {
  const pins = new Set();
  for (const line of readFileSync(join(root, 'tools/pins.md'), 'utf8').split('\n')) {
    const row = /^\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|\s*(\S.*?)\s*\|$/.exec(line);
    if (row) pins.add(`${row[1]} ${row[2]} ${row[3]}`);
  }
  return pins;
}

/** The repository fields of the root package.json (one place), or null while the project has none. */
export function readRepositoryFields(root) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const fields = Object.fromEntries(
    ['repository', 'homepage', 'bugs'].filter((k) => pkg[k] !== undefined).map((k) => [k, pkg[k]]),
  );
  return Object.keys(fields).length ? fields : null;
}

/** Problems of one published package's package.json (`dir` is its folder name under packages/). */
export function checkManifest(pkg, dir, { pins, repository }) {
  const problems = [];
  const isVth = (name) => name.startsWith('@vth/');
  for (const field of RUNTIME_FIELDS)
    for (const [name, range] of Object.entries(pkg[field] ?? {}))
      if (!isVth(name) && EXACT.test(range) && !pins.has(`${pkg.name} ${name} ${range}`))
        problems.push(`${field}.${name} is pinned to ${range} with no reason in tools/pins.md`);
  // One copy of the contract in an app: @vth/core is a peer with a range, never a dependency.
  if (pkg.name !== '@vth/core') {
    if (pkg.dependencies?.['@vth/core'])
      problems.push('@vth/core is in dependencies: it must be a peer (one copy of the contract per app)');
    const core = pkg.peerDependencies?.['@vth/core'];
    if (core && EXACT.test(core)) problems.push(`peerDependencies.@vth/core is an exact pin (${core})`);
    if (core && !pkg.devDependencies?.['@vth/core'])
      problems.push('@vth/core is a peer but not a devDependency (the workspace build needs it)');
  }
  for (const name of Object.keys(pkg.peerDependencies ?? {}))
    if (pkg.dependencies?.[name]) problems.push(`${name} is both a dependency and a peer`);
  for (const name of Object.keys(pkg.peerDependenciesMeta ?? {}))
    if (!pkg.peerDependencies?.[name]) problems.push(`peerDependenciesMeta names ${name}, not a peer`);
  if (!Array.isArray(pkg.keywords) || pkg.keywords.length === 0) problems.push('no "keywords"');
  if (pkg.sideEffects !== false && !Array.isArray(pkg.sideEffects))
    problems.push('"sideEffects" is not declared (false, or the list of files that have them)');
  if (repository) {
    const expected = {
      ...repository,
      ...(repository.repository && {
        repository: {
          ...(typeof repository.repository === 'string'
            ? { type: 'git', url: repository.repository }
            : repository.repository),
          directory: `packages/${dir}`,
        },
      }),
    };
    for (const [field, value] of Object.entries(expected))
      if (JSON.stringify(pkg[field]) !== JSON.stringify(value))
        problems.push(`"${field}" should be ${JSON.stringify(value)} (from the root package.json)`);
  } else {
    for (const field of ['repository', 'homepage', 'bugs'])
      if (pkg[field] !== undefined)
        problems.push(`"${field}" is set here but not in the root package.json (the one place for it)`);
  }
  return problems.map((p) => `${pkg.name}: ${p}`);
}
