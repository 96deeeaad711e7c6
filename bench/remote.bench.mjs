// @vth/backend-remote against raw baselines measured in the same run (issue G5):
// 1. round trip of `true` through remote backend -> vth server -> node-pty (goal: <= 1.5x a raw `ws` echo
//    + node-pty's own round trip, both measured here);
// 2. output throughput of `seq` (goal: >= 50% of node-pty called directly);
// 3. failover when a host dies: a manager over two remote backends, each to its own server process; the
//    server holding the session is killed (SIGKILL: the socket closes; goal < 100 ms) or frozen (SIGSTOP:
//    no FIN, found by the heartbeat; goal < 1 s with the default heartbeat), timed until a command on the
//    moved session answers.
// The servers run in child processes (lib/server-child.mjs); the clients and the direct backend run here.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { fmt, interleave, report, summarize } from './lib/stats.mjs';

const require = createRequire(import.meta.url);
const { NodePtyBackend, plugin: nodePtyPlugin } = require('../packages/backend-node-pty/dist/index.js');
const { RemoteBackend, plugin: remotePlugin } = require('../packages/backend-remote/dist/index.js');
const { BackendFactory } = require('../packages/factory/dist/index.js');
const { BackendManager } = require('../packages/manager/dist/index.js');
const WebSocket = require('ws');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1000);
const SEQ = Number(process.env.BENCH_SEQ ?? 1_000_000);
const FAILOVERS = Number(process.env.BENCH_FAILOVERS ?? 5);

function startServer() {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./lib/server-child.mjs', import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve({ child, exited, ...JSON.parse(out.split('\n')[0]) });
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
}

async function stopServer(s, signal = 'SIGTERM') {
  if (s.child.exitCode === null && s.child.signalCode === null) {
    s.child.kill(signal);
    if (signal === 'SIGSTOP') s.child.kill('SIGKILL');
  }
  await s.exited;
}

const ok = (r, what) => {
  if (!r.ok) throw new Error(`${what}: ${r.error.code} ${r.error.message}`);
  return r.value;
};

const server = await startServer();
const direct = new NodePtyBackend();
ok(await direct.initialize({ cwd: '/tmp' }), 'node-pty');
const directSession = ok(await direct.createSession(), 'session').id;
const remote = new RemoteBackend({ url: server.url });
ok(await remote.initialize({}), 'remote');
const remoteSession = ok(await remote.createSession({ cwd: '/tmp' }), 'remote session').id;

// 1. Round trip of `true`.
const echo = new WebSocket(server.echo, [], { perMessageDeflate: false });
await new Promise((r, j) => (echo.once('open', r), echo.once('error', j)));
const payload = JSON.stringify({
  type: 'request',
  requestId: 'r-0123456789abcdef',
  op: 'command.execute',
  params: { sessionId: remoteSession, paneId: '0', command: 'true' },
});
const echoOnce = () =>
  new Promise((resolve) => {
    echo.once('message', resolve);
    echo.send(payload);
  });
const rows = await interleave(
  [
    { name: 'raw ws echo (same payload)', run: echoOnce },
    { name: 'node-pty backend, direct', run: () => direct.executeCommand(directSession, 'true') },
    {
      name: 'remote backend -> server -> node-pty',
      run: async () => ok(await remote.executeCommand(remoteSession, 'true'), 'true'),
    },
  ],
  ROUNDS,
);
report(`round trip of \`true\` (${ROUNDS} rounds)`, rows, rows[1].name);
const [wsRow, ptyRow, remoteRow] = rows;
for (const q of ['p50', 'p95', 'p99']) {
  const budget = wsRow.stats[q] + ptyRow.stats[q];
  console.log(
    `${q}: remote ${fmt(remoteRow.stats[q])} vs raw ws echo + backend ${fmt(budget)} = ${(remoteRow.stats[q] / budget).toFixed(2)}x (goal <= 1.5x)`,
  );
}
echo.close();

// 2. Output throughput of `seq 1 N`: the whole output in the result, and also as `output` events.
const seqCommand = `seq 1 ${SEQ}`;
const timed = async (backend, session) => {
  const t = performance.now();
  const e = ok(
    await backend.executeCommand(session, seqCommand, undefined, { maxOutputBytes: 64 << 20 }),
    'seq',
  );
  return { ms: performance.now() - t, bytes: Buffer.byteLength(e.output) };
};
const mbps = (b, ms) => (b / 1e6 / (ms / 1000)).toFixed(1);
const own = [];
const far = [];
for (let i = 0; i < 3; i++) {
  own.push(await timed(direct, directSession));
  far.push(await timed(remote, remoteSession));
}
const best = (xs) => xs.reduce((a, b) => (a.ms < b.ms ? a : b));
const o = best(own);
const f = best(far);
console.log(`\n## output throughput of \`${seqCommand}\` (${(o.bytes / 1e6).toFixed(1)} MB, best of 3)`);
console.log(`node-pty backend, direct: ${o.ms.toFixed(0)} ms, ${mbps(o.bytes, o.ms)} MB/s`);
console.log(`remote backend (output in the result): ${f.ms.toFixed(0)} ms, ${mbps(f.bytes, f.ms)} MB/s`);
console.log(`ratio: ${((f.bytes / f.ms / (o.bytes / o.ms)) * 100).toFixed(0)}% of local (goal >= 50%)`);
await remote.shutdown();
await direct.shutdown();
await stopServer(server);

// 3. Failover when a host dies.
async function failover(signal, graceMs) {
  const a = await startServer();
  const b = await startServer();
  const manager = new BackendManager({
    factory: new BackendFactory({ plugins: [remotePlugin, nodePtyPlugin] }),
  });
  const config = (url) => ({ url, ...(graceMs === undefined ? {} : { graceMs }) });
  ok(
    await manager.initialize({
      strategy: 'primary-fallback',
      backends: [
        { type: 'remote', id: 'a', config: config(a.url) },
        { type: 'remote', id: 'b', config: config(b.url) },
      ],
      probe: { enabled: false },
    }),
    'manager',
  );
  const s = ok(await manager.createSession(), 'session');
  ok(await manager.executeCommand(s.id, 'cd /tmp'), 'cd');
  if (manager.backendOf(s.id) !== 'a') throw new Error('the session is not on a');
  const t = performance.now();
  a.child.kill(signal);
  // A call sent before the client saw the socket die fails dispatched (the server may have had it): the
  // caller tries again, as the time to an answer includes.
  let r;
  for (let tries = 0; !(r = await manager.executeCommand(s.id, 'pwd')).ok; tries++)
    if (tries > 20) throw new Error(`pwd after failover: ${r.error.code} ${r.error.message}`);
  const ms = performance.now() - t;
  if (manager.backendOf(s.id) !== 'b' || r.value.output !== '/tmp\n') throw new Error('did not move');
  await manager.shutdown();
  await stopServer(a, 'SIGKILL');
  if (signal === 'SIGSTOP') a.child.kill('SIGCONT');
  await stopServer(b);
  return ms;
}
console.log(
  `\n## failover: a command on a session whose server dies, until it answers elsewhere (${FAILOVERS} rounds)`,
);
for (const [name, signal, graceMs, goal] of [
  ['server killed (SIGKILL: the socket closes, reconnect refused)', 'SIGKILL', undefined, '< 100 ms'],
  ['server frozen (SIGSTOP: no FIN), graceMs 0: heartbeat alone', 'SIGSTOP', 0, '< 1 s'],
  ['server frozen (SIGSTOP: no FIN), default graceMs (5 s)', 'SIGSTOP', undefined, 'heartbeat + grace'],
]) {
  const samples = [];
  for (let i = 0; i < FAILOVERS; i++) samples.push(await failover(signal, graceMs));
  const st = summarize(samples);
  console.log(`${name}: p50 ${fmt(st.p50)}, max ${fmt(Math.max(...samples))} (goal ${goal})`);
}
