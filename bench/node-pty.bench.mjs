// Command round trip and session start through @vth/backend-node-pty vs a raw node-pty baseline, in one run.
// Targets (issue F1): p50 ratio <= 1.5, p99 <= 3 ms, new session ready <= 10 ms p50.
import { createRequire } from 'node:module';
import { interleave, report, fmt } from './lib/stats.mjs';
import { record } from './lib/record.mjs';
import { startRawShell } from './lib/raw-pty-shell.mjs';

const require = createRequire(import.meta.url);
const { NodePtyBackend } = require('../packages/backend-node-pty/dist/index.js');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2000);

const backend = new NodePtyBackend();
const init = await backend.initialize({ cwd: '/tmp' });
if (!init.ok) throw init.error;
const session = await backend.createSession();
if (!session.ok) throw session.error;
const raw = await startRawShell();

async function viaBackend(command) {
  const r = await backend.executeCommand(session.value.id, command);
  if (!r.ok || r.value.exitCode !== 0)
    throw new Error(`unexpected result for ${command}: ${JSON.stringify(r)}`);
}

// `[ -n x ] && echo hello` has brackets, so it takes the checked path (a completeness check before eval).
for (const command of ['true', 'echo hello', '[ -n x ] && echo hello']) {
  const rows = await interleave(
    [
      { name: `raw node-pty + printf mark: ${command}`, run: () => raw.run(command) },
      { name: `@vth/backend-node-pty: ${command}`, run: () => viaBackend(command) },
    ],
    ROUNDS,
  );
  report(`round trip of \`${command}\` (${ROUNDS} rounds)`, rows, rows[0].name);
}

// Session start: spawn -> ready for a command.
const startRows = await interleave(
  [
    {
      name: 'raw: spawn bash, quiet it, first mark',
      run: async () => (await startRawShell()).kill(),
    },
    {
      name: '@vth/backend-node-pty: createSession',
      run: async () => {
        const s = await backend.createSession();
        if (!s.ok) throw s.error;
        void backend.destroySession(s.value.id);
      },
    },
  ],
  Number(process.env.BENCH_SESSION_ROUNDS ?? 200),
  10,
);
report('new session ready', startRows, startRows[0].name);

// Throughput: 10.9 MB of line output, raw first, then through the backend.
const rawT0 = performance.now();
await raw.run('seq 1 1500000');
const rawMs = performance.now() - rawT0;
const t0 = performance.now();
const big = await backend.executeCommand(session.value.id, 'seq 1 1500000');
const ms = performance.now() - t0;
if (!big.ok) throw big.error;
const mb = big.value.output.length / 1e6;
console.log(
  `\n## throughput (seq 1 1500000, ${mb.toFixed(1)} MB)\nraw: ${fmt(rawMs)} = ${(mb / (rawMs / 1000)).toFixed(0)} MB/s; ` +
    `backend: ${fmt(ms)} = ${(mb / (ms / 1000)).toFixed(0)} MB/s; ratio ${(ms / rawMs).toFixed(2)}x`,
);
record({
  kind: 'throughput',
  title: `output throughput (seq 1 1500000, ${mb.toFixed(1)} MB)`,
  baseline: 'raw pty + shell',
  rows: [
    { name: 'raw pty + shell', mbPerS: mb / (rawMs / 1000) },
    { name: 'node-pty backend', mbPerS: mb / (ms / 1000) },
  ],
});

// Memory under huge output: 50 MB through a command limited to 1 MiB of kept output.
globalThis.gc?.();
const before = process.memoryUsage().rss;
let peak = before;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
const huge = await backend.executeCommand(
  session.value.id,
  "head -c 52428800 /dev/zero | tr '\\0' y",
  undefined,
  {
    maxOutputBytes: 1 << 20,
  },
);
clearInterval(sampler);
if (!huge.ok) throw huge.error;
console.log(
  `\n## memory\n50 MB of output, maxOutputBytes 1 MiB: kept ${huge.value.output.length} bytes, cut ${huge.value.truncatedBytes}; ` +
    `RSS ${(before / 2 ** 20).toFixed(0)} MiB -> peak ${(peak / 2 ** 20).toFixed(0)} MiB (+${((peak - before) / 2 ** 20).toFixed(0)} MiB)`,
);

raw.kill();
await backend.shutdown();
