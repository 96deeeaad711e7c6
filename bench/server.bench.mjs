// @vth/server against raw baselines measured in the same run (issue G3):
// 1. WebSocket round trip of `true` (goal: <= 1.5x a raw `ws` echo + the backend's own round trip);
// 2. attach throughput of `seq` output (goal: >= 50% of the backend's own);
// 3. memory per attached viewer; 4. 1,000 concurrent attached viewers on one machine.
// The server runs in a child process, so its memory is its own; clients and the direct backend run here.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { interleave, report, fmt } from './lib/stats.mjs';
import { record } from './lib/record.mjs';

const require = createRequire(import.meta.url);
const { NodePtyBackend } = require('../packages/backend-node-pty/dist/index.js');
const { decodeFrame, PROTOCOL_V1 } = require('../packages/protocol/dist/index.js');
const WebSocket = require('ws');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1000);
const SEQ = Number(process.env.BENCH_SEQ ?? 1_000_000);
const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 1000);

// BENCH_CPU_PROF=<dir>: the server process writes a CPU profile there (node --cpu-prof) when it ends.
const profile = process.env.BENCH_CPU_PROF
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
  : [];
const child = spawn(
  process.execPath,
  [...profile, fileURLToPath(new URL('./lib/server-child.mjs', import.meta.url))],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const { url, echo } = await new Promise((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]));
  });
  child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
});
const wsUrl = `${url.replace(/^http/, 'ws')}/v1/ws`;

/** A minimal vth.v1 client: requests by id, output frames by channel, auto-acknowledged. */
function connect(target = wsUrl, protocols = [PROTOCOL_V1]) {
  const ws = new WebSocket(target, protocols, { perMessageDeflate: false });
  const pending = new Map();
  const channels = new Map();
  let seq = 0;
  ws.on('message', (data, binary) => {
    if (binary) {
      const d = decodeFrame(data);
      if (!d.ok || d.frame.kind !== 'output') return;
      const ch = channels.get(d.frame.channel);
      if (!ch) return;
      ch.bytes += d.frame.data.length;
      ch.onData?.(d.frame.data);
      // As a client should: acknowledge every `hello.flow.ackEveryBytes`, not every frame.
      const end = d.frame.offset + d.frame.data.length;
      if (end - ch.acked >= 128 * 1024) {
        ch.acked = end;
        ws.send(JSON.stringify({ type: 'ack', channel: d.frame.channel, offset: end }));
      }
      return;
    }
    const m = JSON.parse(data.toString());
    const key =
      m.type === 'result'
        ? m.requestId
        : m.type === 'attached' || (m.type === 'error' && m.ref)
          ? m.ref
          : undefined;
    if (key !== undefined && pending.has(key)) {
      pending.get(key)(m);
      pending.delete(key);
    }
  });
  const client = {
    ws,
    channels,
    request(op, params) {
      const requestId = `b${++seq}`;
      return new Promise((resolve) => {
        pending.set(requestId, resolve);
        ws.send(JSON.stringify({ type: 'request', requestId, op, params }));
      });
    },
    attach(sessionId, mode, from = 'live') {
      const ref = `a${++seq}`;
      return new Promise((resolve) => {
        pending.set(ref, (m) => {
          if (m.type === 'attached') channels.set(m.channel, { bytes: 0, acked: m.offset });
          resolve(m);
        });
        ws.send(JSON.stringify({ type: 'attach', ref, sessionId, mode, from }));
      });
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('error', reject);
  });
}

async function serverMemory() {
  const text = await (await fetch(`${url}/metrics`)).text();
  const rss = Number(/^vth_process_resident_memory_bytes (\S+)/m.exec(text)?.[1]);
  const heap = Number(/^vth_nodejs_heap_size_used_bytes (\S+)/m.exec(text)?.[1]);
  return { rss, heap };
}

const backend = new NodePtyBackend();
if (!(await backend.initialize({ cwd: '/tmp' })).ok) throw new Error('backend');
const direct = (await backend.createSession()).value.id;

// 1. Round trip of `true`.
const c = await connect();
const served = (await c.request('session.create', {})).value.id;
const rawEcho = await connect(echo, []);
const echoOnce = () =>
  new Promise((resolve) => {
    rawEcho.ws.once('message', resolve);
    rawEcho.ws.send(
      JSON.stringify({
        type: 'request',
        requestId: 'x',
        op: 'command.execute',
        params: { sessionId: 's', command: 'true' },
      }),
    );
  });
const rows = await interleave(
  [
    { name: 'raw ws echo (same payload)', run: echoOnce },
    { name: 'node-pty backend, direct', run: () => backend.executeCommand(direct, 'true') },
    {
      name: 'vth server: command.execute',
      run: async () => {
        const r = await c.request('command.execute', { sessionId: served, command: 'true' });
        if (!r.ok) throw new Error(JSON.stringify(r.error));
      },
    },
  ],
  ROUNDS,
);
report(`round trip of \`true\` (${ROUNDS} rounds)`, rows, rows[1].name);
const [wsRow, ptyRow, srvRow] = rows;
for (const q of ['p50', 'p95', 'p99']) {
  const budget = wsRow.stats[q] + ptyRow.stats[q];
  console.log(
    `${q}: server ${fmt(srvRow.stats[q])} vs raw ws echo + backend ${fmt(budget)} = ${(srvRow.stats[q] / budget).toFixed(2)}x (goal <= 1.5x)`,
  );
}

// 2. Attach throughput of `seq 1 N`.
const seqCommand = `seq 1 ${SEQ}`;
const t0 = performance.now();
const own = await backend.executeCommand(direct, seqCommand, undefined, { maxOutputBytes: 64 << 20 });
const ownMs = performance.now() - t0;
const bytes = Buffer.byteLength(own.value.output);
// The backend's own streaming cost: the same with an `output` listener (what any attached client needs).
const listener = () => undefined;
backend.on('output', listener);
const t2 = performance.now();
await backend.executeCommand(direct, seqCommand, undefined, { maxOutputBytes: 0 });
const streamingMs = performance.now() - t2;
backend.off('output', listener);
const w = await connect();
const seqSession = (await w.request('session.create', {})).value.id;
const attached = await w.attach(seqSession, 'writer', 'live');
const ch = w.channels.get(attached.channel);
const t1 = performance.now();
const done = new Promise((resolve) => {
  let tail = '';
  ch.onData = (d) => {
    tail = (tail + Buffer.from(d).toString('latin1')).slice(-32);
    if (tail.includes(`\n${SEQ}\n`) || tail.includes(`\n${SEQ}\r\n`)) resolve();
  };
});
await w.request('command.execute', { sessionId: seqSession, command: seqCommand, maxOutputBytes: 0 });
await done;
const attachMs = performance.now() - t1;
const mbps = (b, ms) => (b / 1e6 / (ms / 1000)).toFixed(1);
console.log(`\n## attach throughput of \`${seqCommand}\` (${(bytes / 1e6).toFixed(1)} MB)`);
console.log(
  `node-pty backend, direct (executeCommand, output kept): ${ownMs.toFixed(0)} ms, ${mbps(bytes, ownMs)} MB/s`,
);
console.log(
  `node-pty backend, direct, with an output listener: ${streamingMs.toFixed(0)} ms, ${mbps(bytes, streamingMs)} MB/s`,
);
console.log(
  `vth server, attached writer (every byte over the socket): ${attachMs.toFixed(0)} ms, ${mbps(ch.bytes, attachMs)} MB/s`,
);
console.log(
  `ratio: ${((ch.bytes / attachMs / (bytes / ownMs)) * 100).toFixed(0)}% of the backend's own (goal >= 50%), ${((ch.bytes / attachMs / (bytes / streamingMs)) * 100).toFixed(0)}% of its streaming`,
);

record({
  kind: 'throughput',
  title: `attach throughput of \`${seqCommand}\` (${(bytes / 1e6).toFixed(1)} MB)`,
  baseline: 'node-pty backend, direct',
  rows: [
    { name: 'node-pty backend, direct', mbPerS: bytes / 1e6 / (ownMs / 1000) },
    { name: 'node-pty backend, with an output listener', mbPerS: bytes / 1e6 / (streamingMs / 1000) },
    { name: 'vth server, attached writer', mbPerS: ch.bytes / 1e6 / (attachMs / 1000) },
  ],
});

// 3 and 4. Viewers: memory per attached viewer, and VIEWERS at once.
const fanSession = (await c.request('session.create', {})).value.id;
const before = await serverMemory();
const viewers = [];
for (let i = 0; i < VIEWERS; i++) {
  const v = await connect();
  const a = await v.attach(fanSession, 'viewer', 'snapshot');
  if (a.type !== 'attached') throw new Error(`viewer ${i}: ${JSON.stringify(a)}`);
  viewers.push({ v, ch: v.channels.get(a.channel) });
}
const after = await serverMemory();
console.log(`\n## ${VIEWERS} concurrent attached viewers of one session`);
console.log(
  `server memory: rss ${(before.rss / 2 ** 20).toFixed(1)} -> ${(after.rss / 2 ** 20).toFixed(1)} MiB, heap ${(before.heap / 2 ** 20).toFixed(1)} -> ${(after.heap / 2 ** 20).toFixed(1)} MiB`,
);
console.log(
  `per attached viewer (connection + channel): ${((after.rss - before.rss) / VIEWERS / 1024).toFixed(1)} KiB rss, ${((after.heap - before.heap) / VIEWERS / 1024).toFixed(1)} KiB heap`,
);
const fanout = [];
for (let round = 0; round < 5; round++) {
  const marker = `fan-${round}-${Date.now()}`;
  const got = viewers.map(
    ({ ch }) =>
      new Promise((resolve) => {
        let tail = '';
        ch.onData = (d) => {
          tail = (tail + Buffer.from(d).toString('latin1')).slice(-64);
          if (tail.includes(marker)) resolve();
        };
      }),
  );
  const t = performance.now();
  await c.request('command.execute', { sessionId: fanSession, command: `echo ${marker}` });
  await Promise.all(got);
  fanout.push(performance.now() - t);
}
fanout.sort((a, b) => a - b);
console.log(
  `a command's output reaching all ${VIEWERS} viewers (5 rounds): p50 ${fmt(fanout[2])}, max ${fmt(fanout[4])}`,
);

for (const { v } of viewers) v.ws.terminate();
c.ws.close();
w.ws.close();
rawEcho.ws.close();
await backend.shutdown();
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
