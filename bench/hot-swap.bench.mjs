// Hot swap under load through @vth/manager: 50 sessions run commands in a loop while their tmux backend
// is replaced by another tmux backend (new settings), then by node-pty. Reports each swap's duration
// (start to the old backend gone) and the command latency while the swap runs against the latency before
// it (the baseline, measured in the same run, under the same load).
// Targets (issue F5): a tmux -> tmux swap under this load in < 2 s.
import { createRequire } from 'node:module';
import { fmt, summarize } from './lib/stats.mjs';
import { record } from './lib/record.mjs';

const require = createRequire(import.meta.url);
const { BackendFactory } = require('../packages/factory/dist/index.js');
const { BackendManager } = require('../packages/manager/dist/index.js');
const { plugin: nodePtyPlugin } = require('../packages/backend-node-pty/dist/index.js');
const { plugin: tmuxPlugin } = require('../packages/backend-tmux/dist/index.js');

const SESSIONS = Number(process.env.BENCH_SWAP_SESSIONS ?? 50);
const SWAPS = Number(process.env.BENCH_SWAPS ?? 4);
const WARM_MS = 1500;

function must(result) {
  if (!result.ok) throw result.error;
  return result.value;
}

const manager = new BackendManager({ factory: new BackendFactory({ plugins: [tmuxPlugin, nodePtyPlugin] }) });
must(await manager.initialize({ backends: [{ type: 'tmux', id: 'shell' }], probe: { enabled: false } }));
const sessions = [];
for (let i = 0; i < SESSIONS; i++) sessions.push(must(await manager.createSession({ cwd: '/tmp' })).id);

// Every command's start time and latency; failures are counted, and there must be none.
const samples = [];
let failures = 0;
let stop = false;
const loops = sessions.map(async (id) => {
  while (!stop) {
    const t0 = performance.now();
    const r = await manager.executeCommand(id, 'echo x');
    const t1 = performance.now();
    if (!r.ok || r.value.output !== 'x\n') failures++;
    samples.push([t0, t1 - t0]);
  }
});

const plan = [];
for (let i = 0; i < SWAPS; i++) plan.push({ type: 'tmux', config: { historyLimit: 2000 + i } });
plan.push({ type: 'node-pty' });

const swaps = [];
await new Promise((r) => setTimeout(r, WARM_MS));
for (const spec of plan) {
  const before = performance.now();
  await new Promise((r) => setTimeout(r, 500));
  const start = performance.now();
  const report = must(await manager.hotSwap('shell', spec));
  const end = performance.now();
  swaps.push({ to: spec.type, report, quietFrom: before, start, end });
}
stop = true;
await Promise.all(loops);

const inWindow = (from, to) => samples.filter(([t]) => t >= from && t < to).map(([, ms]) => ms);
const during = swaps.flatMap((s) => inWindow(s.start, s.end));
const quiet = swaps.flatMap((s) => inWindow(s.quietFrom, s.start));
const q = summarize(quiet);
const d = summarize(during);

console.log(`\n## hot swap under load: ${SESSIONS} sessions running \`echo x\` in a loop`);
for (const s of swaps) {
  console.log(
    `swap -> ${s.to.padEnd(8)} ${fmt(s.report.durationMs).padStart(9)}  (${s.report.moved} sessions moved, ${s.report.forced} forced)`,
  );
}
const tmuxSwaps = summarize(swaps.filter((s) => s.to === 'tmux').map((s) => s.report.durationMs));
console.log(`tmux -> tmux swap duration p50 ${fmt(tmuxSwaps.p50)}, max ${fmt(tmuxSwaps.p99)} (target < 2 s)`);
console.log(
  `\n${'command latency'.padEnd(30)} ${'n'.padStart(6)} ${'p50'.padStart(9)} ${'p95'.padStart(9)} ${'p99'.padStart(9)}`,
);
console.log(
  `${'before the swaps (baseline)'.padEnd(30)} ${String(q.n).padStart(6)} ${fmt(q.p50).padStart(9)} ${fmt(q.p95).padStart(9)} ${fmt(q.p99).padStart(9)}`,
);
console.log(
  `${'during the swaps'.padEnd(30)} ${String(d.n).padStart(6)} ${fmt(d.p50).padStart(9)} ${fmt(d.p95).padStart(9)} ${fmt(d.p99).padStart(9)}`,
);
console.log(
  `p99 during / before: ${(d.p99 / q.p99).toFixed(2)}x; failed commands: ${failures} of ${samples.length}`,
);
function slowestOfEach(points, k) {
  const kept = [];
  for (let i = 0; i < points.length; i += k)
    kept.push(points.slice(i, i + k).reduce((a, b) => (b[1] > a[1] ? b : a)));
  return kept;
}
const origin = samples.length ? Math.min(...samples.map(([t]) => t)) : 0;
record({
  kind: 'timeline',
  title: `hot swap under load: latency of each \`echo x\` over time (${SESSIONS} sessions; shaded: a swap)`,
  // At most ~3000 points: the slowest command of each run of consecutive ones, so spikes stay visible.
  points: slowestOfEach(samples, Math.ceil(samples.length / 3000)).map(([t, ms]) => [
    (t - origin) / 1000,
    ms,
  ]),
  marks: swaps.map((s) => ({ from: (s.start - origin) / 1000, to: (s.end - origin) / 1000, label: s.to })),
  failures,
});
await manager.shutdown();
if (failures > 0) process.exitCode = 1;
