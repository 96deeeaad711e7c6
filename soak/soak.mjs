// `npm run soak`: a bounded soak of a manager over real backends (tmux, node-pty, containers when the
// Docker Engine and the test image are there). Sessions run a realistic mix — short commands, long
// streams, interactive input, shell state, exit codes — while other sessions sit idle and a churn worker
// creates and closes sessions. Every command's output is checked exactly: none lost, crossed (another
// command's token) or duplicated. Memory, file descriptors, processes and containers are sampled; at the
// end, with every session closed, descriptors, processes and containers are back where they started.
// Exits non-zero on any wrong output, error or leak. Stops by itself after --minutes.
//
//   node soak/soak.mjs [--minutes 2] [--sessions 24] [--idle 16] [--backends tmux,node-pty,remote,container]
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { plugin as container, LABELS, ownerTag } from '@vth/backend-container';
import { NodePtyBackend, plugin as nodePty } from '@vth/backend-node-pty';
import { plugin as remote } from '@vth/backend-remote';
import { plugin as tmux } from '@vth/backend-tmux';
import { BackendFactory } from '@vth/factory';
import { BackendManager } from '@vth/manager';
import { createServer } from '@vth/server';
import { record } from '../bench/lib/record.mjs';
import { countDescendants } from './descendants.mjs';

const { values: opts } = parseArgs({
  options: {
    minutes: { type: 'string', default: '2' },
    sessions: { type: 'string', default: '24' },
    idle: { type: 'string', default: '16' },
    backends: { type: 'string' },
    'sample-seconds': { type: 'string', default: '2' },
  },
});
const minutes = Number(opts.minutes);
const SESSIONS = Number(opts.sessions);
const IDLE = Number(opts.idle);
const SAMPLE_MS = Number(opts['sample-seconds']) * 1000;
if (!(minutes > 0 && minutes <= 24 * 60) || !(SESSIONS > 0) || !(IDLE >= 0)) {
  console.error('soak: --minutes must be in (0, 1440], --sessions > 0, --idle >= 0');
  process.exit(2);
}
const IMAGE = process.env.VTH_TEST_IMAGE ?? 'local/vth-sandbox:1';

function dockerReady() {
  try {
    execFileSync('docker', ['image', 'inspect', IMAGE], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const wanted = (opts.backends ?? `tmux,node-pty,remote${dockerReady() ? ',container' : ''}`).split(',');

// `remote`: sessions through the wire — a vth server (`@vth/server`, what `vth serve` runs) on 127.0.0.1 over
// its own node-pty backend, reached by the remote backend over vth.v1, in this same process.
let served;
if (wanted.includes('remote')) {
  const backend = new NodePtyBackend();
  const init = await backend.initialize({});
  const server = init.ok ? createServer({ backend, config: { port: 0 } }) : init;
  const listening = server.ok ? await server.value.listen() : server;
  if (!listening.ok) {
    console.error(`soak: the vth server for the remote backend did not start: ${listening.error.message}`);
    await backend.shutdown();
    process.exit(1);
  }
  served = { backend, server: server.value, url: listening.value.url };
}
const specs = wanted.map((type) => {
  if (type === 'tmux') return { type, id: 'tmux' };
  if (type === 'node-pty') return { type, id: 'pty' };
  if (type === 'container') return { type, id: 'ctr', config: { image: IMAGE } };
  if (type === 'remote') return { type, id: 'remote', config: { url: served.url } };
  console.error(`soak: unknown backend ${type} (known: tmux, node-pty, remote, container)`);
  process.exit(2);
});

// ---- resource sampling ----
// The engine not answering (stopped, restarting) is noted, not a crash of the soak: -1 for that sample.
let engineUnreachable = 0;
const containers = () => {
  if (!wanted.includes('container')) return 0;
  try {
    return execFileSync('docker', ['ps', '-aq', '--filter', `label=${LABELS.owner}=${ownerTag()}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .split('\n')
      .filter(Boolean).length;
  } catch {
    engineUnreachable++;
    return -1;
  }
};
const MiB = 2 ** 20;
const sample = () => {
  // Where resident memory goes: V8's heap (used, and reserved), and memory outside it (Buffers and
  // ArrayBuffers, `external` also counts native objects V8 knows of); the rest is native (malloc, threads).
  const m = process.memoryUsage();
  return {
    t: (performance.now() - t0) / 1000,
    rssMiB: m.rss / MiB,
    heapMiB: m.heapUsed / MiB,
    heapTotalMiB: m.heapTotal / MiB,
    externalMiB: m.external / MiB,
    arrayBuffersMiB: m.arrayBuffers / MiB,
    fds: readdirSync('/proc/self/fd').length,
    processes: countDescendants(),
    containers: containers(),
  };
};

// ---- the load ----
const counts = { commands: 0, ok: 0, lost: 0, crossed: 0, duplicated: 0, wrong: 0, created: 0, closed: 0 };
const errorsByCode = {};
const problems = [];
const note = (kind, detail) => {
  counts[kind]++;
  if (problems.length < 20) problems.push(`${kind}: ${detail}`);
};
const token = () => `t${randomBytes(6).toString('hex')}`;
const TOKEN = /t[0-9a-f]{12}/g;

/** Runs one command and checks its result exactly; `expected` is the output, `exitCode` the status. */
async function check(manager, sessionId, command, expected, exitCode = 0, input) {
  counts.commands++;
  const pending = manager.executeCommand(sessionId, command, undefined, { timeoutMs: 60_000 });
  if (input !== undefined) {
    const sent = await manager.sendInput(sessionId, input);
    if (!sent.ok) errorsByCode[sent.error.code] = (errorsByCode[sent.error.code] ?? 0) + 1;
  }
  const r = await pending;
  if (!r.ok) {
    errorsByCode[r.error.code] = (errorsByCode[r.error.code] ?? 0) + 1;
    if (problems.length < 20)
      problems.push(`error ${r.error.code} on ${JSON.stringify(command)}: ${r.error.message}`);
    return;
  }
  const e = r.value;
  if (e.status !== 'completed') return note('lost', `${e.status} for ${JSON.stringify(command)}`);
  const mine = new Set(expected.match(TOKEN) ?? []);
  const seen = e.output.match(TOKEN) ?? [];
  if (seen.some((t) => !mine.has(t)))
    return note('crossed', `${JSON.stringify(command)} printed ${JSON.stringify(e.output.slice(0, 200))}`);
  if (e.output !== expected) {
    const doubled = e.output.length > expected.length && e.output.includes(expected + expected);
    return note(
      doubled ? 'duplicated' : 'wrong',
      `${JSON.stringify(command)}: ${JSON.stringify(e.output.slice(0, 200))}`,
    );
  }
  if (e.exitCode !== exitCode)
    return note('wrong', `${JSON.stringify(command)} exit ${e.exitCode}, expected ${exitCode}`);
  counts.ok++;
}

const MIX = [
  // short commands
  [
    45,
    async (m, s) => {
      const t = token();
      await check(m, s, `printf '%s\\n' ${t}`, `${t}\n`);
    },
  ],
  // a long stream: 2,000 numbered lines, every byte checked
  [
    10,
    async (m, s) => {
      const t = token();
      const expected = Array.from({ length: 2000 }, (_, i) => `${t}-${i + 1}\n`).join('');
      await check(m, s, `seq 1 2000 | sed 's/^/${t}-/'`, expected);
    },
  ],
  // interactive input to a running command
  [
    15,
    async (m, s) => {
      const t = token();
      await check(m, s, 'read -r line; printf "got:%s\\n" "$line"', `got:${t}\n`, 0, `${t}\n`);
    },
  ],
  // shell state carried from one command to the next
  [
    15,
    async (m, s) => {
      const t = token();
      await check(m, s, `cd /tmp && export SOAK_V=${t}`, '');
      await check(m, s, 'printf "%s|%s\\n" "$PWD" "$SOAK_V"', `/tmp|${t}\n`);
    },
  ],
  // exit codes
  [
    15,
    async (m, s) => {
      const k = Math.floor(Math.random() * 256);
      await check(m, s, `(exit ${k})`, '', k);
    },
  ],
];
const TOTAL = MIX.reduce((n, [w]) => n + w, 0);
const pickWork = () => {
  let r = Math.random() * TOTAL;
  for (const [w, f] of MIX) if ((r -= w) < 0) return f;
  return MIX[0][1];
};

// ---- run ----
const t0 = performance.now();
const manager = new BackendManager({
  factory: new BackendFactory({ plugins: [tmux, nodePty, remote, container] }),
});
const started = await manager.initialize({
  backends: specs,
  strategy: 'round-robin',
  probe: { intervalMs: 5_000 },
});
if (!started.ok) {
  console.error(`soak: the manager did not start: ${started.error.message}`);
  process.exit(1);
}
const baseline = sample();
const samples = [baseline];
const sampler = setInterval(() => samples.push(sample()), SAMPLE_MS);
let deadline = performance.now() + minutes * 60_000;
// Ctrl-C (or SIGTERM) ends the load early and still shuts everything down and reports: a soak killed
// outright would leave its tmux server and containers behind. A second signal exits at once.
let stopSignal;
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    if (stopSignal) process.exit(130);
    stopSignal = signal;
    deadline = 0;
    console.log(`soak: ${signal}: stopping the load, then shutting down (again to exit at once)`);
  });
console.log(
  `soak: ${minutes} min, ${SESSIONS} busy + ${IDLE} idle sessions + 1 churn worker over ${wanted.join(', ')} (round-robin)`,
);

const open = async () => {
  const s = await manager.createSession();
  if (!s.ok) {
    errorsByCode[s.error.code] = (errorsByCode[s.error.code] ?? 0) + 1;
    return null;
  }
  counts.created++;
  return s.value.id;
};
const idle = (await Promise.all(Array.from({ length: IDLE }, open))).filter(Boolean);
const workers = Array.from({ length: SESSIONS }, async () => {
  const id = await open();
  if (!id) return;
  while (performance.now() < deadline) await pickWork()(manager, id);
  if ((await manager.destroySession(id)).ok) counts.closed++;
});
const churn = (async () => {
  while (performance.now() < deadline) {
    const id = await open();
    if (!id) continue;
    const t = token();
    await check(manager, id, `echo ${t}`, `${t}\n`);
    if ((await manager.destroySession(id)).ok) counts.closed++;
  }
})();
await Promise.all([...workers, churn]);
// The idle sessions still work after sitting through the whole run.
for (const id of idle) {
  const t = token();
  await check(manager, id, `echo ${t}`, `${t}\n`);
  if ((await manager.destroySession(id)).ok) counts.closed++;
}
clearInterval(sampler);
await manager.shutdown();
if (served) {
  await served.server.close();
  await served.backend.shutdown();
}
// After shutdown: what the run started must be gone (processes exit asynchronously: wait up to 10 s).
let end = sample();
for (
  let i = 0;
  i < 100 && (end.processes > baseline.processes || end.containers > baseline.containers);
  i++
) {
  await new Promise((r) => setTimeout(r, 100));
  end = sample();
}
// V8 frees the memory of dead ArrayBuffers (every Buffer's bytes) on a background thread after a GC: sample
// once that has settled, or freed buffers still count in `arrayBuffers` (and look like a leak).
for (let i = 0, last = Infinity; i < 40; i++) {
  globalThis.gc?.();
  await new Promise((r) => setTimeout(r, 50));
  end = sample();
  if (end.arrayBuffersMiB >= last) break;
  last = end.arrayBuffersMiB;
}
samples.push(end);

const seconds = (performance.now() - t0) / 1000;
const fdLeak = end.fds - baseline.fds;
const peakRss = Math.max(...samples.map((s) => s.rssMiB));
const mid = samples[Math.floor(samples.length / 2)];
console.log(`\n## soak: ${seconds.toFixed(0)} s over ${wanted.join(', ')}`);
console.log(
  `commands ${counts.commands} (${(counts.commands / seconds).toFixed(0)}/s), exact ${counts.ok}; ` +
    `lost ${counts.lost}, crossed ${counts.crossed}, duplicated ${counts.duplicated}, wrong ${counts.wrong}`,
);
console.log(
  `sessions created ${counts.created}, closed ${counts.closed}; errors by code ${JSON.stringify(errorsByCode)}`,
);
console.log(
  `memory rss ${baseline.rssMiB.toFixed(0)} MiB at start, ${mid.rssMiB.toFixed(0)} mid-run, peak ${peakRss.toFixed(0)}, ` +
    `${end.rssMiB.toFixed(0)} at the end; heap ${baseline.heapMiB.toFixed(0)} -> ${end.heapMiB.toFixed(0)} MiB`,
);
// Resident memory grows while the run warms up (V8 reserves heap, the allocator keeps freed memory for reuse:
// glibc returns little of it, see the README) and must then hold a plateau: the peak of the last quarter of
// the run no more than a quarter above the peak of its first half. A run shorter than PLATEAU_MINUTES is all
// warm-up: its figures are printed, not judged.
const PLATEAU_MINUTES = 5;
const during = samples.slice(1, -1);
const peakOf = (list) => Math.max(...list.map((s) => s.rssMiB));
const firstHalfPeak = peakOf(during.slice(0, Math.max(1, Math.floor(during.length / 2))));
const lastQuarterPeak = peakOf(during.slice(Math.floor((during.length * 3) / 4)));
const judged = seconds >= PLATEAU_MINUTES * 60; // a run stopped early by Ctrl-C is judged by what it ran
const rssGrows = judged && lastQuarterPeak > firstHalfPeak * 1.25;
const outside = (s) => s.rssMiB - s.heapTotalMiB - s.externalMiB;
console.log(
  `  of rss: heap reserved ${baseline.heapTotalMiB.toFixed(0)} -> ${end.heapTotalMiB.toFixed(0)} MiB, ` +
    `external ${baseline.externalMiB.toFixed(0)} -> ${end.externalMiB.toFixed(0)} (array buffers ` +
    `${baseline.arrayBuffersMiB.toFixed(0)} -> ${end.arrayBuffersMiB.toFixed(0)}), the rest (native: malloc, ` +
    `threads, code) ${outside(baseline).toFixed(0)} -> ${outside(end).toFixed(0)} MiB`,
);
console.log(
  `after shutdown: fds ${baseline.fds} -> ${end.fds}, child processes ${baseline.processes} -> ${end.processes}, ` +
    `containers ${baseline.containers} -> ${end.containers}`,
);
console.log(
  `  rss plateau: peak ${firstHalfPeak.toFixed(0)} MiB in the first half, ${lastQuarterPeak.toFixed(0)} in the last quarter` +
    (rssGrows ? ' (grew by more than a quarter)' : '') +
    (judged ? '' : ` (not judged: runs of ${PLATEAU_MINUTES} minutes or more are)`),
);
if (engineUnreachable > 0) console.log(`  the Docker Engine did not answer ${engineUnreachable} sample(s)`);
for (const p of problems) console.log(`  ${p}`);
record({
  kind: 'series',
  title: `soak: memory over ${seconds.toFixed(0)} s (${SESSIONS} busy + ${IDLE} idle sessions)`,
  xLabel: 'time (s)',
  yLabel: 'MiB',
  series: [
    { name: 'rss (MiB)', points: samples.map((s) => [s.t, s.rssMiB]) },
    { name: 'heap used (MiB)', points: samples.map((s) => [s.t, s.heapMiB]) },
    { name: 'heap reserved (MiB)', points: samples.map((s) => [s.t, s.heapTotalMiB]) },
    { name: 'external (MiB)', points: samples.map((s) => [s.t, s.externalMiB]) },
  ],
});
record({
  kind: 'series',
  title: 'soak: file descriptors and child processes over time',
  xLabel: 'time (s)',
  yLabel: 'count',
  series: [
    { name: 'open fds', points: samples.map((s) => [s.t, s.fds]) },
    { name: 'child processes', points: samples.map((s) => [s.t, s.processes]) },
  ],
});
// With everything closed and collected, the heap is back near where it began: a per-command or per-session
// leak grows it with the run (needs --expose-gc, as `npm run soak` passes).
const heapGrowth = end.heapMiB - baseline.heapMiB;
const heapLeak = typeof globalThis.gc === 'function' && heapGrowth > 32;
if (heapLeak) console.log(`  heap grew by ${heapGrowth.toFixed(0)} MiB over the run, everything closed`);
const failed =
  heapLeak ||
  rssGrows ||
  counts.lost + counts.crossed + counts.duplicated + counts.wrong > 0 ||
  Object.keys(errorsByCode).length > 0 ||
  fdLeak > 0 ||
  engineUnreachable > 0 ||
  end.processes > baseline.processes ||
  end.containers > baseline.containers;
if (stopSignal)
  console.log(`soak: stopped early by ${stopSignal} after ${seconds.toFixed(0)} s of ${minutes} min`);
console.log(failed ? 'soak: FAILED' : 'soak: passed (no wrong output, no error, nothing left behind)');
process.exitCode = failed ? 1 : stopSignal ? 130 : 0;
