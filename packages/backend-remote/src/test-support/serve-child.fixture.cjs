// A `vth serve` in a child process (createServer over node-pty on 127.0.0.1, a free port), for tests and
// benchmarks that kill the server's process. Prints one JSON line `{ "url": ... }` once it listens.
const { createServer } = require('@vth/server');
const { NodePtyBackend } = require('@vth/backend-node-pty');

async function main() {
  const backend = new NodePtyBackend({ killGraceMs: 200, interruptGraceMs: 300 });
  const init = await backend.initialize({});
  if (!init.ok) throw init.error;
  const created = createServer({ backend, config: { port: 0 } });
  if (!created.ok) throw created.error;
  const listening = await created.value.listen();
  if (!listening.ok) throw listening.error;
  process.stdout.write(`${JSON.stringify({ url: listening.value.url })}\n`);
  const stop = async () => {
    await created.value.close();
    await backend.shutdown();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
}

main().catch((e) => {
  process.stderr.write(`${String(e && e.stack ? e.stack : e)}\n`);
  process.exit(1);
});
