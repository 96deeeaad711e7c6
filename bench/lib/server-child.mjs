// A vth server over node-pty in a process of its own (so its memory and CPU are its own), plus a raw `ws`
// echo server as the transport baseline. Prints one JSON line with both URLs; ends on SIGTERM.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { NodePtyBackend } = require('../../packages/backend-node-pty/dist/index.js');
const { createServer } = require('../../packages/server/dist/index.js');
const { WebSocketServer } = require('ws');

const backend = new NodePtyBackend();
const init = await backend.initialize({ cwd: '/tmp', maxSessions: 64 });
if (!init.ok) throw init.error;
const created = createServer({
  backend,
  config: {
    port: 0,
    limits: { maxConnectionsPerUser: 5000, maxConnections: 5000 },
    metrics: { public: true },
  },
});
if (!created.ok) throw created.error;
const listening = await created.value.listen();
if (!listening.ok) throw listening.error;
const echo = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
echo.on('connection', (ws) => ws.on('message', (data, binary) => ws.send(data, { binary })));
await new Promise((r) => echo.once('listening', r));
console.log(JSON.stringify({ url: listening.value.url, echo: `ws://127.0.0.1:${echo.address().port}` }));
process.on('SIGTERM', async () => {
  echo.close();
  await created.value.close();
  await backend.shutdown();
  process.exit(0);
});
