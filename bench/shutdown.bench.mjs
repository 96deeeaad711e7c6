// Thousands of sessions (issue G8): creating N sessions at once, the time `shutdown()` takes to end them
// (node-pty, tmux, a manager over both), and the CPU this process spends per MB of pane output (tmux's
// `%output` decoding against node-pty), each against a raw baseline measured in the same run.
// N: BENCH_SHUTDOWN_SESSIONS or the first argument (default 2000; lower it on a small machine).
// Output: BENCH_OUTPUT_SESSIONS (200) sessions printing BENCH_OUTPUT_KB (100) KB each.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { record } from './lib/record.mjs';
import { report, summarize } from './lib/stats.mjs';

const require = createRequire(import.meta.url);
const pty = require('node-pty');
const { BackendFactory } = require('../packages/factory/dist/index.js');
const { BackendManager } = require('../packages/manager/dist/index.js');
const { NodePtyBackend, plugin: nodePtyPlugin } = require('../packages/backend-node-pty/dist/index.js');
const { TmuxBackend, plugin: tmuxPlugin } = require('../packages/backend-tmux/dist/index.js');

const N = Number(process.env.BENCH_SHUTDOWN_SESSIONS ?? process.argv[2] ?? 2000);
const OUTPUT_SESSIONS = Number(process.env.BENCH_OUTPUT_SESSIONS ?? 200);
const OUTPUT_KB = Number(process.env.BENCH_OUTPUT_KB ?? 100);
const SHELL = ['--noprofile', '--norc', '--noediting', '-i'];

function must(result) {
  if (!result.ok) throw result.error;
  return result.value;
}

/** Is the process gone (or a zombie)? */
function gone(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat[stat.lastIndexOf(')') + 2] === 'Z';
  } catch {
    return true;
  }
}

async function untilGone(pids) {
  let left = pids;
  while (left.length > 0) {
    left = left.filter((pid) => !gone(pid));
    if (left.length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** `count` calls of `make`, at most `limit` at a time. */
async function pooled(count, limit, make) {
  const results = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await make(i);
      }
    }),
  );
  return results;
}

/** Raw: n quiet bash shells on node-pty, each until its first prompt; `end()` hangs up all, until all exited. */
async function rawPtyShells(n) {
  const shells = await pooled(n, 16, async () => {
    const term = pty.spawn('bash', SHELL, { cwd: '/tmp', env: { PATH: process.env.PATH, PS1: '$ ' } });
    const exited = new Promise((resolve) => term.onExit(resolve));
    await new Promise((resolve) => {
      const sub = term.onData(() => {
        sub.dispose();
        resolve();
      });
    });
    return { term, exited };
  });
  return {
    async end() {
      for (const s of shells) s.term.kill('SIGHUP');
      await Promise.all(shells.map((s) => s.exited));
    },
  };
}

/** Raw: a tmux server with n sessions of bash; `end()` is one `kill-server`, until server and shells are gone. */
function rawTmuxServer(n) {
  const dir = mkdtempSync(join(tmpdir(), 'vth-bench-shutdown-'));
  const socket = join(dir, 's');
  const tmux = (...args) =>
    execFileSync('tmux', ['-S', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  tmux('new-session', '-d', '-s', 's0', `bash ${SHELL.join(' ')}`);
  const script = join(dir, 'sessions');
  writeFileSync(
    script,
    Array.from({ length: n - 1 }, (_, i) => `new-session -d -s s${i + 1} 'bash ${SHELL.join(' ')}'\n`).join(
      '',
    ),
  );
  if (n > 1) tmux('source-file', script);
  const serverPid = Number(tmux('display-message', '-p', '#{pid}').trim());
  const panes = tmux('list-panes', '-a', '-F', '#{pane_pid}').split('\n').filter(Boolean).map(Number);
  return {
    async end() {
      tmux('kill-server');
      await untilGone([serverPid, ...panes]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function timed(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function createAll(backend, n) {
  const t0 = performance.now();
  const created = await Promise.all(Array.from({ length: n }, () => backend.createSession({ cwd: '/tmp' })));
  const failed = created.filter((r) => !r.ok);
  const ms = performance.now() - t0;
  const codes = [
    ...new Set(failed.map((r) => `${r.error.code}${r.error.dispatched ? '' : ' (not dispatched)'}`)),
  ];
  console.log(
    `  ${n} concurrent createSession: ${(ms / 1000).toFixed(1)} s, ${failed.length} failed ${codes.join(', ')}`,
  );
  return failed.length;
}

function shutdownRows(title, raw, vth) {
  const rows = [
    { name: raw.name, stats: summarize([raw.ms]) },
    { name: vth.name, stats: summarize([vth.ms]) },
  ];
  report(title, rows, raw.name);
}

console.log(`# shutdown of ${N} sessions (one run each; ratio against the raw teardown in the same run)`);

// ---- node-pty ----
{
  const raw = await rawPtyShells(N);
  const rawMs = await timed(() => raw.end());
  const backend = new NodePtyBackend({ maxSessions: N + 10 });
  must(await backend.initialize({ cwd: '/tmp' }));
  await createAll(backend, N);
  const ms = await timed(() => backend.shutdown());
  shutdownRows(
    `node-pty: shutdown of ${N} sessions`,
    { name: `raw: SIGHUP to ${N} node-pty shells, all exited`, ms: rawMs },
    { name: `@vth/backend-node-pty: shutdown()`, ms },
  );
}

// ---- tmux ----
{
  const raw = rawTmuxServer(N);
  const rawMs = await timed(() => raw.end());
  const backend = new TmuxBackend({ maxSessions: N + 10 });
  must(await backend.initialize({ cwd: '/tmp' }));
  await createAll(backend, N);
  const ms = await timed(() => backend.shutdown());
  shutdownRows(
    `tmux: shutdown of ${N} sessions`,
    { name: `raw: one kill-server, server and ${N} shells gone`, ms: rawMs },
    { name: `@vth/backend-tmux: shutdown()`, ms },
  );
}

// ---- a manager over both ----
{
  const half = Math.ceil(N / 2);
  const ptys = await rawPtyShells(N - half);
  const server = rawTmuxServer(half);
  const rawMs = await timed(() => Promise.all([ptys.end(), server.end()]));
  const manager = new BackendManager({
    factory: new BackendFactory({ plugins: [tmuxPlugin, nodePtyPlugin] }),
  });
  must(
    await manager.initialize({
      probe: { enabled: false },
      strategy: 'round-robin',
      backends: [
        { type: 'tmux', id: 'tmux', config: { maxSessions: N } },
        { type: 'node-pty', id: 'pty', config: { maxSessions: N } },
      ],
    }),
  );
  await createAll(manager, N);
  const ms = await timed(() => manager.shutdown());
  shutdownRows(
    `manager over tmux and node-pty: shutdown of ${N} sessions`,
    { name: `raw: both teardowns at once, ${half} + ${N - half}`, ms: rawMs },
    { name: `@vth/manager: shutdown()`, ms },
  );
}

// ---- CPU per MB of pane output ----
console.log(
  `\n# CPU of this process per MB of output: ${OUTPUT_SESSIONS} sessions printing ${OUTPUT_KB} KB each`,
);
async function outputCpu(backend) {
  must(await backend.initialize({ cwd: '/tmp', maxSessions: OUTPUT_SESSIONS + 10 }));
  const ids = [];
  for (const r of await Promise.all(Array.from({ length: OUTPUT_SESSIONS }, () => backend.createSession())))
    ids.push(must(r).id);
  await Promise.all(ids.map((id) => backend.executeCommand(id, 'true')));
  const command = `head -c ${(OUTPUT_KB * 1024 * 3) / 4} /dev/urandom | base64 -w 100`;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const runs = await Promise.all(
    ids.map((id) => backend.executeCommand(id, command, undefined, { maxOutputBytes: 64 * 1024 * 1024 })),
  );
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const mb = runs.reduce((n, r) => n + must(r).output.length, 0) / 1e6;
  await backend.shutdown();
  return { mb, wall, cpuMsPerMb: (cpu.user + cpu.system) / 1000 / mb };
}
const direct = await outputCpu(new NodePtyBackend());
const viaTmux = await outputCpu(new TmuxBackend());
const cpuRows = [
  { name: '@vth/backend-node-pty', ...direct },
  { name: '@vth/backend-tmux (%output decoding)', ...viaTmux },
];
record({
  kind: 'throughput',
  title: `output of ${OUTPUT_SESSIONS} sessions x ${OUTPUT_KB} KB at once (CPU per MB: printed)`,
  baseline: cpuRows[0].name,
  rows: cpuRows.map((r) => ({ name: r.name, mbPerS: r.mb / (r.wall / 1000), cpuMsPerMb: r.cpuMsPerMb })),
});
for (const r of cpuRows) {
  console.log(
    `${r.name.padEnd(40)} ${r.mb.toFixed(1)} MB in ${(r.wall / 1000).toFixed(2)} s, ` +
      `${r.cpuMsPerMb.toFixed(1)} ms CPU per MB (${(r.cpuMsPerMb / direct.cpuMsPerMb).toFixed(2)}x node-pty)`,
  );
}
