// What going through @vth/manager costs, and how fast it fails over, against calling the same backend
// directly, in one run.
// Targets (issue F4): < 20 µs added at p50 and < 100 µs at p99 (on an in-process backend that answers at
// once, so only the manager is measured, and on node-pty); failover from crash to the next command
// succeeding elsewhere < 100 ms when the crash is seen directly, < one probe interval otherwise.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fmt, interleave, report, summarize } from './lib/stats.mjs';

const require = createRequire(import.meta.url);
const { BackendFactory } = require('../packages/factory/dist/index.js');
const { BackendManager } = require('../packages/manager/dist/index.js');
const { FakeBackend, createFakePlugin } = require('../packages/manager/dist/testing/index.js');
const { plugin: nodePtyPlugin } = require('../packages/backend-node-pty/dist/index.js');
const { plugin: tmuxPlugin } = require('../packages/backend-tmux/dist/index.js');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2000);
const FAILOVER_ROUNDS = Number(process.env.BENCH_FAILOVER_ROUNDS ?? 30);

function must(result) {
  if (!result.ok) throw result.error;
  return result.value;
}

function added(rows, inner) {
  const [direct, managed] = rows;
  const p50 = (managed.stats.p50 - direct.stats.p50) * 1000;
  const p99 = (managed.stats.p99 - direct.stats.p99) * 1000;
  console.log(
    `difference of the two runs: ${p50.toFixed(1)} µs at p50, ${p99.toFixed(1)} µs at p99 (noise included)`,
  );
  const own = summarize(inner.overhead);
  console.log(
    `time spent in the manager itself (each call minus its backend call): ${(own.p50 * 1000).toFixed(1)} µs at p50, ` +
      `${(own.p99 * 1000).toFixed(1)} µs at p99`,
  );
}

/**
 * Times each call the manager makes to its backend, so each managed call's own overhead is exact: its
 * duration minus its backend call's (the two runs above differ by noise as much as by the manager).
 */
function timeInner(manager, backendId) {
  const backend = manager.instanceOf(backendId);
  const original = backend.executeCommand.bind(backend);
  const timing = { last: 0, overhead: [] };
  backend.executeCommand = async (...args) => {
    const t0 = performance.now();
    const r = await original(...args);
    timing.last = performance.now() - t0;
    return r;
  };
  timing.measure = async (call) => {
    const t0 = performance.now();
    const r = await call();
    timing.overhead.push(performance.now() - t0 - timing.last);
    return r;
  };
  return timing;
}

const QUIET = { probe: { enabled: false } };

// ---- overhead on an in-process backend that answers at once ----
{
  const direct = new FakeBackend();
  must(await direct.initialize({}));
  const ds = must(await direct.createSession()).id;
  const fakes = createFakePlugin();
  const manager = new BackendManager({ factory: new BackendFactory({ plugins: [fakes.plugin] }) });
  must(await manager.initialize({ ...QUIET, backends: [{ type: 'fake' }] }));
  const ms = must(await manager.createSession()).id;
  const inner = timeInner(manager, 'fake');
  const rounds = ROUNDS * 10;
  const rows = await interleave(
    [
      { name: 'in-process backend, direct', run: async () => must(await direct.executeCommand(ds, 'true')) },
      {
        name: 'in-process backend, via manager',
        run: async () => must(await inner.measure(() => manager.executeCommand(ms, 'true'))),
      },
    ],
    rounds,
    2000,
  );
  report(`executeCommand('true') on an instant in-process backend (${rounds} rounds)`, rows, rows[0].name);
  added(rows, inner);
  await manager.shutdown();
  await direct.shutdown();
}

// ---- overhead on node-pty ----
{
  const factory = new BackendFactory({ plugins: [nodePtyPlugin] });
  const direct = must(await factory.create('node-pty', {}));
  const ds = must(await direct.createSession({ cwd: '/tmp' })).id;
  const manager = new BackendManager({ factory });
  must(await manager.initialize({ ...QUIET, backends: [{ type: 'node-pty' }] }));
  const ms = must(await manager.createSession({ cwd: '/tmp' })).id;
  const inner = timeInner(manager, 'node-pty');
  const rows = await interleave(
    [
      { name: 'node-pty, direct', run: async () => must(await direct.executeCommand(ds, 'true')) },
      {
        name: 'node-pty, via manager',
        run: async () => must(await inner.measure(() => manager.executeCommand(ms, 'true'))),
      },
    ],
    ROUNDS,
  );
  report(`executeCommand('true') on node-pty (${ROUNDS} rounds)`, rows, rows[0].name);
  added(rows, inner);
  await manager.shutdown();
  await direct.shutdown();
}

// ---- failover seen directly: the shell dies, the next command succeeds on the other backend ----
async function failoverRound(kill) {
  const factory = new BackendFactory({ plugins: [tmuxPlugin, nodePtyPlugin] });
  const manager = new BackendManager({ factory });
  must(
    await manager.initialize({
      ...QUIET,
      backends: [
        { type: 'tmux', id: 'tmux' },
        { type: 'node-pty', id: 'pty' },
      ],
    }),
  );
  const s = must(await manager.createSession({ cwd: '/tmp' })).id;
  must(await manager.executeCommand(s, 'export A=1'));
  const t0 = performance.now();
  kill(manager);
  // A command sent while the crash is still in flight may have reached the dying shell: the manager says so
  // (BACKEND_CRASHED, dispatched) and the caller, knowing `echo` is harmless, sends it again.
  let r;
  for (;;) {
    const result = await manager.executeCommand(s, 'echo $A');
    if (result.ok) {
      r = result.value;
      break;
    }
    if (result.error.code !== 'BACKEND_CRASHED' || !result.error.dispatched) throw result.error;
  }
  const dt = performance.now() - t0;
  if (r.output !== '1\n' || manager.backendOf(s) !== 'pty')
    throw new Error(`bad failover: ${JSON.stringify(r)}`);
  await manager.shutdown();
  return dt;
}

async function rawRecreate() {
  // What a caller does by hand without a manager: a new session elsewhere, its env again, the command.
  const factory = new BackendFactory({ plugins: [nodePtyPlugin] });
  const backend = must(await factory.create('node-pty', {}));
  const t0 = performance.now();
  const s = must(await backend.createSession({ cwd: '/tmp', env: { A: '1' } })).id;
  must(await backend.executeCommand(s, 'echo $A'));
  const dt = performance.now() - t0;
  await backend.shutdown();
  return dt;
}

{
  const killed = [];
  const raw = [];
  for (let i = 0; i < FAILOVER_ROUNDS; i++) {
    killed.push(
      await failoverRound((manager) =>
        execFileSync('tmux', ['-S', manager.instanceOf('tmux').socket, 'kill-server']),
      ),
    );
    raw.push(await rawRecreate());
  }
  const rows = [
    { name: 'raw: new node-pty session + env + command', stats: summarize(raw) },
    { name: 'manager: tmux server killed -> next command', stats: summarize(killed) },
  ];
  report(
    `failover seen directly, crash to the next command done elsewhere (${FAILOVER_ROUNDS} rounds)`,
    rows,
    rows[0].name,
  );
}

// ---- failover not seen directly: a backend that stops answering, found by probes ----
{
  const INTERVAL = 500;
  const TIMEOUT = 100;
  const found = [];
  // Probe timers do not keep a process alive (a library must not); this benchmark waits on them.
  const keepAlive = setInterval(() => undefined, 1000);
  for (let i = 0; i < 10; i++) {
    const fakes = createFakePlugin();
    const manager = new BackendManager({ factory: new BackendFactory({ plugins: [fakes.plugin] }) });
    must(
      await manager.initialize({
        backends: [
          { type: 'fake', id: 'a' },
          { type: 'fake', id: 'b' },
        ],
        probe: { intervalMs: INTERVAL, timeoutMs: TIMEOUT },
        health: { consecutiveFailures: 1 },
      }),
    );
    const a = fakes.byPoolId('a');
    // It hangs at any moment of the probe cycle.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * INTERVAL));
    // Hung: commands start and never end, and nothing reports it (no event, no error).
    const ejected = new Promise((resolve) => manager.once('backend-ejected', resolve));
    const t0 = performance.now();
    a.hold();
    await ejected;
    found.push(performance.now() - t0);
    a.release();
    await manager.shutdown();
  }
  clearInterval(keepAlive);
  const stats = summarize(found);
  console.log(
    `\n## failover not seen directly: a hung backend out of rotation (probe interval ${INTERVAL} ms, timeout ${TIMEOUT} ms, 10 rounds)`,
  );
  console.log(
    `hang to ejection: p50 ${fmt(stats.p50)} (${(stats.p50 / INTERVAL).toFixed(2)} of a probe interval), ` +
      `max ${fmt(Math.max(...found))} (${(Math.max(...found) / INTERVAL).toFixed(2)}; bound: one jittered interval, up to 1.1x, + the probe timeout)`,
  );
}
