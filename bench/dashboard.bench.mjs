// The dashboard (issue G4) against raw baselines measured in the same run:
// 1. first render of the page in headless Chromium (Debian's chromium via playwright-core): navigation to
//    the backend list drawn, against a one-line static page from the same server;
// 2. the server's cost of listing 1,000 sessions (`admin.sessions.list` over the socket, as the page asks),
//    against the manager's own `listSessions()` + JSON of the result;
// 3. the server's CPU for 50 live charts (50 sockets on the `metrics` topic, as 50 open pages), against the
//    same server with none. Sessions and backends are in-memory fakes: the figures are the server's own cost.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interleave, report } from './lib/stats.mjs';

const require = createRequire(import.meta.url);
const { createServer } = require('../packages/server/dist/index.js');
const { dashboardAssetsDir } = require('../packages/dashboard/dist/index.js');
const { BackendFactory } = require('../packages/factory/dist/index.js');
const { BackendManager } = require('../packages/manager/dist/index.js');
const { createFakePlugin } = require('../packages/manager/dist/testing/index.js');
const { PROTOCOL_V1 } = require('../packages/protocol/dist/index.js');
const { chromium } = require('playwright-core');
const WebSocket = require('ws');

const RENDERS = Number(process.env.BENCH_RENDERS ?? 20);
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 1000);
const LISTS = Number(process.env.BENCH_ROUNDS ?? 200);
const CHARTS = Number(process.env.BENCH_CHARTS ?? 50);
const CHART_SECONDS = Number(process.env.BENCH_CHART_SECONDS ?? 10);

const fakes = createFakePlugin('fake');
const manager = new BackendManager({ factory: new BackendFactory({ plugins: [fakes.plugin] }) });
const started = await manager.initialize({
  backends: [
    { type: 'fake', id: 'a' },
    { type: 'fake', id: 'b' },
  ],
  probe: { enabled: false },
});
if (!started.ok) throw started.error;
const raw = mkdtempSync(join(tmpdir(), 'vth-bench-raw-'));
writeFileSync(join(raw, 'index.html'), '<!doctype html><title>raw</title><p id="x">raw page</p>');
const servers = [];
async function serve(staticDir, metricsIntervalMs = 1000) {
  const s = createServer({
    backend: manager,
    config: { port: 0, events: { metricsIntervalMs }, sessions: { maxPerUser: SESSIONS + 10 } },
    staticAssets: { dir: staticDir },
  });
  if (!s.ok) throw s.error;
  const l = await s.value.listen();
  if (!l.ok) throw l.error;
  servers.push(s.value);
  return l.value.url;
}
const url = await serve(dashboardAssetsDir);
const rawUrl = await serve(raw);

function connect() {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/ws`, [PROTOCOL_V1], {
    perMessageDeflate: false,
  });
  const pending = new Map();
  let seq = 0;
  let metrics = 0;
  ws.on('message', (data, binary) => {
    if (binary) return;
    const m = JSON.parse(data.toString());
    if (m.type === 'result') pending.get(m.requestId)?.(m);
    if (m.type === 'metrics') metrics++;
  });
  return new Promise((resolve) =>
    ws.once('open', () =>
      resolve({
        ws,
        metrics: () => metrics,
        request(op, params = {}) {
          const requestId = `r${++seq}`;
          return new Promise((res) => {
            pending.set(requestId, res);
            ws.send(JSON.stringify({ type: 'request', requestId, op, params }));
          });
        },
      }),
    ),
  );
}

// 1. First render.
const browser = await chromium.launch({
  executablePath: process.env.VTH_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
async function render(target, selector) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(target);
  await page.locator(selector).first().waitFor();
  await context.close();
}
const RAW_PAGE = 'raw: one-line static page, same server';
report(
  `first render in headless Chromium (${RENDERS} loads, fresh context each; context setup included in both)`,
  await interleave(
    [
      { name: RAW_PAGE, run: () => render(`${rawUrl}/dashboard/`, '#x') },
      {
        name: 'dashboard: backend list drawn',
        run: () => render(`${url}/dashboard/`, '[data-testid="backend-list"] article'),
      },
    ],
    RENDERS,
    3,
  ),
  RAW_PAGE,
);
await browser.close();

// 2. Listing 1,000 sessions.
for (let i = 0; i < SESSIONS; i++) {
  const s = await manager.createSession({}, { userId: `u${i % 50}` });
  if (!s.ok) throw s.error;
}
const admin = await connect();
const RAW_LIST = 'raw: manager.listSessions() + JSON';
report(
  `listing ${SESSIONS} sessions (${LISTS} rounds)`,
  await interleave(
    [
      {
        name: RAW_LIST,
        run: async () => JSON.stringify((await manager.listSessions()).value),
      },
      {
        name: 'server: admin.sessions.list over the socket',
        run: async () => {
          const r = await admin.request('admin.sessions.list');
          if (!r.ok || r.value.length !== SESSIONS) throw new Error(`listed ${r.value?.length}`);
        },
      },
    ],
    LISTS,
    20,
  ),
  RAW_LIST,
);

// 3. 50 live charts: the server's CPU with 50 metrics subscribers at a 250 ms period, against none.
async function cpuOver(seconds) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const c = process.cpuUsage(c0);
  return ((c.user + c.system) / 1000 / (performance.now() - t0)) * 1000; // CPU ms per second
}
const chartsUrl = await serve(dashboardAssetsDir, 250);
const idle = await cpuOver(CHART_SECONDS);
const subscribers = await Promise.all(
  Array.from({ length: CHARTS }, async () => {
    const ws = new WebSocket(`${chartsUrl.replace(/^http/, 'ws')}/v1/ws`, [PROTOCOL_V1], {
      perMessageDeflate: false,
    });
    let n = 0;
    ws.on('message', (d, binary) => {
      if (!binary && d.toString().startsWith('{"type":"metrics"')) n++;
    });
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'subscribe', topic: 'metrics' }));
    return { ws, count: () => n };
  }),
);
const busy = await cpuOver(CHART_SECONDS);
const delivered = subscribers.reduce((n, s) => n + s.count(), 0);
console.log(
  `\n## ${CHARTS} live charts (metrics topic every 250 ms, ${SESSIONS} sessions, ${CHART_SECONDS} s each)`,
);
console.log(`raw: the same process, no subscriber     ${idle.toFixed(1)} ms CPU per s`);
console.log(
  `${CHARTS} subscribers                          ${busy.toFixed(1)} ms CPU per s (+${(busy - idle).toFixed(1)}; ${delivered} snapshots delivered, ${((busy - idle) / Math.max(1, delivered / CHART_SECONDS)).toFixed(3)} ms per snapshot sent)`,
);
console.log("(client sockets run in this process too: the figure is an upper bound of the server's cost)");

for (const s of subscribers) s.ws.terminate();
admin.ws.terminate();
for (const s of servers) await s.close();
await manager.shutdown();
rmSync(raw, { recursive: true, force: true });
