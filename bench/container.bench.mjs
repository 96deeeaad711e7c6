// Session creation (container start), command round trip through @vth/backend-container against a raw
// persistent shell on the API's hijacked exec stream, and against `docker exec` per command, in one run.
// Targets (issue F3): round trip p50 <= 1.5x the raw persistent-shell baseline; session ready <= 400 ms p50.
import { createRequire } from 'node:module';
import { interleave, report } from './lib/stats.mjs';
import { engine, execPerCommand, startRawExecShell } from './lib/raw-container-exec.mjs';

const require = createRequire(import.meta.url);
const { ContainerBackend } = require('../packages/backend-container/dist/index.js');

const IMAGE = process.env.VTH_TEST_IMAGE ?? 'local/vth-sandbox:1';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2000);
const backend = new ContainerBackend({ image: IMAGE });
const init = await backend.initialize({});
if (!init.ok) throw init.error;
const session = await backend.createSession();
if (!session.ok) throw session.error;

// The baselines run in a plain container of the same image and the same limits.
const created = await engine('POST', '/containers/create', {
  Image: IMAGE,
  Cmd: ['sleep', '3600'],
  HostConfig: { Init: true, NetworkMode: 'none', Memory: 512 * 2 ** 20, PidsLimit: 256 },
});
const baseline = created.body.Id;
await engine('POST', `/containers/${baseline}/start`);
const raw = await startRawExecShell(baseline);

async function viaBackend(command) {
  const r = await backend.executeCommand(session.value.id, command);
  if (!r.ok || r.value.exitCode !== 0) throw new Error(`unexpected result: ${JSON.stringify(r)}`);
}

const rows = await interleave(
  [
    { name: 'raw hijacked exec stream + printf mark: true', run: () => raw.run('true') },
    { name: '@vth/backend-container: true', run: () => viaBackend('true') },
  ],
  ROUNDS,
);
report(`round trip of \`true\` (${ROUNDS} rounds)`, rows, rows[0].name);

const execRows = await interleave(
  [
    { name: 'docker exec per command: true', run: () => execPerCommand(baseline, 'true') },
    { name: '@vth/backend-container: true', run: () => viaBackend('true') },
  ],
  Number(process.env.BENCH_EXEC_ROUNDS ?? 100),
  5,
);
report('vs docker exec per command', execRows, execRows[0].name);
console.log(`speed-up p50: ${(execRows[0].stats.p50 / execRows[1].stats.p50).toFixed(0)}x`);

const sessions = [];
const startRows = await interleave(
  [
    {
      name: '@vth/backend-container: createSession (shell ready)',
      run: async () => {
        const s = await backend.createSession();
        if (!s.ok) throw s.error;
        sessions.push(s.value.id);
      },
    },
  ],
  Number(process.env.BENCH_SESSION_ROUNDS ?? 30),
  2,
);
report('new session (container create + start + shell ready)', startRows, startRows[0].name);
for (const id of sessions) await backend.destroySession(id);

raw.close();
await engine('DELETE', `/containers/${baseline}?force=1`);
await backend.shutdown();
