// Command round trip, session creation and line throughput through @vth/backend-tmux, against a raw
// control-mode client and the common send-keys + capture-pane polling approach, in one run.
// Targets (issue F2): p50 <= 1.5x raw control mode, >= 10x faster than send-keys/capture-pane polling,
// create a session <= 3 ms p50, >= 10 MB/s of line output.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fmt, interleave, report, summarize } from './lib/stats.mjs';
import { record } from './lib/record.mjs';
import { startCliPolling, startRawTmux } from './lib/raw-tmux-control.mjs';

const require = createRequire(import.meta.url);
const { TmuxBackend } = require('../packages/backend-tmux/dist/index.js');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2000);
const backend = new TmuxBackend();
const init = await backend.initialize({ cwd: '/tmp' });
if (!init.ok) throw init.error;
const session = await backend.createSession({ cwd: '/tmp' });
if (!session.ok) throw session.error;
const raw = await startRawTmux();

async function viaBackend(command) {
  const r = await backend.executeCommand(session.value.id, command);
  if (!r.ok || r.value.exitCode !== 0) throw new Error(`unexpected result: ${JSON.stringify(r)}`);
}

for (const command of ['true', 'echo hello']) {
  const rows = await interleave(
    [
      { name: `raw tmux -C + printf mark: ${command}`, run: () => raw.run(command) },
      { name: `@vth/backend-tmux: ${command}`, run: () => viaBackend(command) },
    ],
    ROUNDS,
  );
  report(`round trip of \`${command}\` (${ROUNDS} rounds)`, rows, rows[0].name);
}

// The common approach is slow: fewer rounds, compared with the backend's figure from the same rounds.
execFileSync('tmux', [
  '-S',
  raw.socket,
  'new-session',
  '-d',
  '-s',
  'cli',
  '-x',
  '120',
  '-y',
  '30',
  'bash --noprofile --norc',
]);
const cli = startCliPolling(raw.socket, '=cli:');
const cliRows = await interleave(
  [
    { name: 'tmux CLI send-keys + capture-pane polling', run: () => cli('true') },
    { name: '@vth/backend-tmux: true', run: () => viaBackend('true') },
  ],
  Number(process.env.BENCH_CLI_ROUNDS ?? 100),
  5,
);
report('vs the common send-keys + capture-pane approach', cliRows, cliRows[0].name);
console.log(`speed-up p50: ${(cliRows[0].stats.p50 / cliRows[1].stats.p50).toFixed(1)}x`);

// Session creation.
let n = 0;
const created = [];
const createRows = await interleave(
  [
    { name: 'raw tmux -C: new-session + link-window', run: () => raw.newSession(`raw${++n}`) },
    {
      name: '@vth/backend-tmux: createSession',
      run: async () => {
        const s = await backend.createSession({ cwd: '/tmp' });
        if (!s.ok) throw s.error;
        created.push(s.value.id);
      },
    },
    {
      name: '@vth/backend-tmux: createSession + first `true`',
      run: async () => {
        const s = await backend.createSession({ cwd: '/tmp' });
        if (!s.ok) throw s.error;
        created.push(s.value.id);
        const r = await backend.executeCommand(s.value.id, 'true');
        if (!r.ok) throw r.error;
      },
    },
  ],
  Number(process.env.BENCH_SESSION_ROUNDS ?? 100),
  5,
);
report('create a session', createRows, createRows[0].name);
for (const id of created) await backend.destroySession(id);

// Throughput: 80-byte lines, raw control mode first, then through the backend.
const lines = 'yes $(printf %079d 0) | head -n 150000';
const rawT0 = performance.now();
await raw.run(lines);
const rawMs = performance.now() - rawT0;
const t0 = performance.now();
const big = await backend.executeCommand(session.value.id, lines);
const ms = performance.now() - t0;
if (!big.ok) throw big.error;
const mb = big.value.output.length / 1e6;
console.log(
  `\n## throughput (${lines}, ${mb.toFixed(1)} MB)\nraw tmux -C: ${(mb / (rawMs / 1000)).toFixed(1)} MB/s; ` +
    `backend: ${(mb / (ms / 1000)).toFixed(1)} MB/s (${fmt(ms)}); ratio ${(ms / rawMs).toFixed(2)}x`,
);
record({
  kind: 'throughput',
  title: `output throughput (80-byte lines, ${mb.toFixed(1)} MB)`,
  baseline: 'raw tmux -C',
  rows: [
    { name: 'raw tmux -C', mbPerS: mb / (rawMs / 1000) },
    { name: 'tmux backend', mbPerS: mb / (ms / 1000) },
  ],
});

// Memory under huge output: 50 MB through one command kept to 1 MiB. tmux stops reading a pane while the
// control client is behind, so neither tmux nor this process should grow with the output.
const rssMiB = (pid) => {
  try {
    return (Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096) / 2 ** 20;
  } catch {
    return 0;
  }
};
const serverPid = (await backend.getHealth()).details.serverPid;
const clientPid = backend.client?.pid;
const before = {
  self: process.memoryUsage().rss / 2 ** 20,
  server: rssMiB(serverPid),
  client: rssMiB(clientPid),
};
const peak = { ...before };
const sampler = setInterval(() => {
  peak.self = Math.max(peak.self, process.memoryUsage().rss / 2 ** 20);
  peak.server = Math.max(peak.server, rssMiB(serverPid));
  peak.client = Math.max(peak.client, rssMiB(clientPid));
}, 5);
const hugeT0 = performance.now();
const huge = await backend.executeCommand(
  session.value.id,
  "head -c 52428800 /dev/zero | tr '\\0' y",
  undefined,
  {
    maxOutputBytes: 1 << 20,
  },
);
const hugeMs = performance.now() - hugeT0;
clearInterval(sampler);
if (!huge.ok) throw huge.error;
const growth = (k) => `${before[k].toFixed(0)} -> ${peak[k].toFixed(0)} MiB`;
console.log(
  `\n## memory (50 MB of output, maxOutputBytes 1 MiB, ${fmt(hugeMs)})\nkept ${huge.value.output.length} bytes, ` +
    `cut ${huge.value.truncatedBytes}; RSS this process ${growth('self')}, tmux server ${growth('server')}, ` +
    `control client ${growth('client')}`,
);

raw.close();
await backend.shutdown();
void summarize;
