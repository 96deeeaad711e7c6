// `npm run soak -- --burst`: many commands in flight at once on one manager. --sessions sessions (200) are
// opened at once over the pool (round-robin), then --commands commands (50) are sent to every session
// without waiting: 10,000 calls queued together by default. Each prints a token of its own; every result
// must be exactly its token, in call order within its session — none lost, crossed (another command's
// token) or duplicated. At the end, with every session closed, no process started by the run is left.
// Exits non-zero on any wrong output, error or leftover. Bounded by its counts; stops by itself.
//
//   node soak/burst.mjs [--sessions 200] [--commands 50] [--backends tmux,node-pty]
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { plugin as nodePty } from '@vth/backend-node-pty';
import { plugin as tmux } from '@vth/backend-tmux';
import { BackendFactory } from '@vth/factory';
import { BackendManager } from '@vth/manager';
import { countDescendants } from './descendants.mjs';

const { values: opts } = parseArgs({
  options: {
    sessions: { type: 'string', default: '200' },
    commands: { type: 'string', default: '50' },
    backends: { type: 'string', default: 'tmux,node-pty' },
  },
});
const SESSIONS = Number(opts.sessions);
const COMMANDS = Number(opts.commands);
const known = { tmux: { type: 'tmux', id: 'tmux' }, 'node-pty': { type: 'node-pty', id: 'pty' } };
const specs = opts.backends.split(',').map((name) => known[name]);
if (!(SESSIONS > 0 && SESSIONS <= 4000) || !(COMMANDS > 0 && COMMANDS <= 1000) || specs.includes(undefined)) {
  console.error('burst: --sessions in 1..4000, --commands in 1..1000, --backends from tmux,node-pty');
  process.exit(2);
}

const before = countDescendants();
const manager = new BackendManager({ factory: new BackendFactory({ plugins: [tmux, nodePty] }) });
const init = await manager.initialize({
  strategy: 'round-robin',
  probe: { enabled: false },
  backends: specs,
});
if (!init.ok) {
  console.error(`burst: the manager did not start: ${init.error.message}`);
  process.exit(1);
}
const errorsByCode = {};
const countError = (error) => {
  const key = `${error.code}${error.dispatched ? '' : ' (not dispatched)'}`;
  errorsByCode[key] = (errorsByCode[key] ?? 0) + 1;
};

let t0 = performance.now();
const created = await Promise.all(Array.from({ length: SESSIONS }, () => manager.createSession()));
const sessions = created.filter((r) => r.ok).map((r) => r.value.id);
created.filter((r) => !r.ok).forEach((r) => countError(r.error));
const createMs = performance.now() - t0;

// Every token of the run, to tell a crossed output (another command's token) from a merely wrong one.
const tokens = new Set();
const counts = { commands: 0, exact: 0, lost: 0, crossed: 0, duplicated: 0, wrong: 0, outOfOrder: 0 };
const problems = [];
const note = (kind, detail) => {
  counts[kind]++;
  if (problems.length < 20) problems.push(`${kind}: ${detail}`);
};
const plan = sessions.map((id) =>
  Array.from({ length: COMMANDS }, (_, i) => {
    const token = `b${randomBytes(6).toString('hex')}-${i}`;
    tokens.add(token);
    return { id, i, token };
  }),
);

t0 = performance.now();
// All calls are made before any is awaited: SESSIONS x COMMANDS in flight, queued per session in call order.
const bySession = plan.map((session) =>
  session.map((c) => ({ ...c, result: manager.executeCommand(c.id, `echo ${c.token}`) })),
);
const calls = bySession.flat();
counts.commands = calls.length;
const finishedAt = new Map();
let finished = 0;
for (const c of calls) {
  void c.result.then(() => finishedAt.set(c, finished++));
}
for (const c of calls) {
  const r = await c.result;
  if (!r.ok) {
    countError(r.error);
    continue;
  }
  const out = r.value.output;
  const seen = out.match(/b[0-9a-f]{12}-\d+/g) ?? [];
  if (out === `${c.token}\n` && r.value.exitCode === 0) counts.exact++;
  else if (seen.length === 0) note('lost', `${c.id} #${c.i}: ${JSON.stringify(out.slice(0, 80))}`);
  else if (seen.some((t) => t !== c.token && tokens.has(t)))
    note('crossed', `${c.id} #${c.i}: ${JSON.stringify(out.slice(0, 80))}`);
  else if (seen.length > 1) note('duplicated', `${c.id} #${c.i}: ${JSON.stringify(out.slice(0, 80))}`);
  else note('wrong', `${c.id} #${c.i}: ${JSON.stringify(out.slice(0, 80))}`);
}
const runMs = performance.now() - t0;
// Within a session, commands end in the order they were sent.
for (const session of bySession) {
  for (let i = 1; i < session.length; i++) {
    const [prev, next] = [finishedAt.get(session[i - 1]), finishedAt.get(session[i])];
    if (prev !== undefined && next !== undefined && next < prev)
      note('outOfOrder', `${session[i].id} #${i} ended before #${i - 1}`);
  }
}

await manager.shutdown();
let left = countDescendants();
for (let i = 0; i < 100 && left > before; i++) {
  await new Promise((r) => setTimeout(r, 100));
  left = countDescendants();
}

console.log(`## burst: ${SESSIONS} sessions x ${COMMANDS} commands in flight over ${opts.backends}`);
console.log(
  `sessions opened ${sessions.length} of ${SESSIONS} in ${(createMs / 1000).toFixed(1)} s; ` +
    `${counts.commands} commands in ${(runMs / 1000).toFixed(1)} s (${((counts.commands / runMs) * 1000).toFixed(0)}/s)`,
);
console.log(
  `exact ${counts.exact}; lost ${counts.lost}, crossed ${counts.crossed}, duplicated ${counts.duplicated}, ` +
    `wrong ${counts.wrong}, out of order ${counts.outOfOrder}; errors by code ${JSON.stringify(errorsByCode)}`,
);
console.log(`after shutdown: child processes ${left}`);
for (const p of problems) console.log(`  ${p}`);
const failed =
  counts.exact !== SESSIONS * COMMANDS ||
  Object.keys(errorsByCode).length > 0 ||
  counts.outOfOrder > 0 ||
  left > before;
console.log(
  failed ? 'burst: FAILED' : 'burst: passed (every output exact and in order, nothing left behind)',
);
process.exit(failed ? 1 : 0);
