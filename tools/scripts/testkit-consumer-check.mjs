// pack-check's proof that the packed @vth/testkit runs its one suite under each runner a third-party author
// may use: Jest (the default entry point), Vitest and node:test, each against MemoryBackend, from a consumer
// project outside the workspace.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MEMORY = `{
  name: 'memory',
  create: () => new MemoryBackend({ requireInitialize: true }),
  capabilities: MEMORY_CAPABILITIES,
  shellFeatures: { bash: false, incompleteInput: false, realShell: false },
}`;

const RUNS = [
  {
    runner: 'Jest (@vth/testkit)',
    file: 'testkit-jest.spec.js',
    source: `const { MEMORY_CAPABILITIES, MemoryBackend } = require('@vth/backend-kit/testing');
const { describeBackendConformance } = require('@vth/testkit');
describeBackendConformance(${MEMORY});`,
    command: (file) => ['npx', ['jest', '--ci', file]],
    passed: (out) => Number(/Tests:.*?(\d+) passed/.exec(out)?.[1] ?? 0),
    failed: (out) => Number(/Tests:.*?(\d+) failed/.exec(out)?.[1] ?? 0),
  },
  {
    runner: 'Vitest (@vth/testkit/vitest)',
    file: 'testkit-vitest.test.mjs',
    source: `import { MEMORY_CAPABILITIES, MemoryBackend } from '@vth/backend-kit/testing';
import { describeBackendConformance } from '@vth/testkit/vitest';
describeBackendConformance(${MEMORY});`,
    command: (file) => ['npx', ['vitest', 'run', file]],
    passed: (out) => Number(/Tests\s+(\d+) passed/.exec(out)?.[1] ?? 0),
    failed: (out) => Number(/Tests\s+.*?(\d+) failed/.exec(out)?.[1] ?? 0),
  },
  {
    runner: 'node:test (@vth/testkit/node-test)',
    file: 'testkit-node.test.cjs',
    source: `const { MEMORY_CAPABILITIES, MemoryBackend } = require('@vth/backend-kit/testing');
const { describeBackendConformance } = require('@vth/testkit/node-test');
describeBackendConformance(${MEMORY});`,
    command: (file) => ['node', ['--test', file]],
    passed: (out) => Number(/^# pass (\d+)/m.exec(out)?.[1] ?? 0),
    failed: (out) => Number(/^# fail (\d+)/m.exec(out)?.[1] ?? 0),
  },
];

/** The runners a consumer installs to run these checks (the testkit's optional peers), at the workspace's versions. */
export function testkitRunnerDependencies(rootPkg, testkitPkg) {
  const jest = rootPkg.devDependencies.jest;
  return {
    jest,
    '@jest/globals': jest,
    vitest: testkitPkg.devDependencies.vitest,
    vite: testkitPkg.devDependencies.vite,
  };
}

/** Runs the memory backend's conformance under each runner in `consumer`; returns the problems. */
export function checkTestkitRunners(consumer) {
  const problems = [];
  const counts = [];
  for (const { runner, file, source, command, passed, failed } of RUNS) {
    writeFileSync(join(consumer, file), `${source}\n`);
    const [cmd, args] = command(file);
    // Jest prints its summary on stderr, the others on stdout: read both.
    const r = spawnSync(cmd, args, {
      cwd: consumer,
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', CI: '1' },
    });
    const out = `${r.stdout}${r.stderr}`;
    if (r.status !== 0)
      problems.push(`@vth/testkit under ${runner} exited ${r.status}:\n${out.slice(-3000)}`);
    else counts.push([runner, passed(out), failed(out)]);
  }
  for (const [runner, pass, fail] of counts) {
    if (!(pass > 0) || fail !== 0)
      problems.push(`@vth/testkit under ${runner}: ${pass} passed, ${fail} failed`);
    else console.log(`  @vth/testkit under ${runner}: memory backend conformance, ${pass} passed`);
  }
  const distinct = new Set(counts.map(([, pass]) => pass));
  if (counts.length === RUNS.length && distinct.size !== 1)
    problems.push(`@vth/testkit: the runners ran different numbers of tests: ${JSON.stringify(counts)}`);
  return problems;
}
