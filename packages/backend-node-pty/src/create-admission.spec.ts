import { readdirSync } from 'node:fs';
import { expectOk, listDescendantProcesses } from '@vth/testkit';
import { NodePtyBackend } from './node-pty-backend';

const fds = (): number => readdirSync('/proc/self/fd').length;

describe('node-pty createSession through the admission queue (maxConcurrentCreates)', () => {
  jest.setTimeout(60_000);
  let backend: NodePtyBackend;

  afterEach(async () => {
    await backend?.shutdown();
    expect(await listDescendantProcesses()).toEqual([]);
  });

  it('40 concurrent creates with 4 at a time all succeed, each admitted in call order', async () => {
    backend = new NodePtyBackend({ maxConcurrentCreates: 4 });
    expectOk(await backend.initialize({}));
    const resolved: number[] = [];
    const created = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        backend.createSession({ sessionId: `s${i}` }).then((r) => {
          resolved.push(i);
          return r;
        }),
      ),
    );
    for (const r of created) expectOk(r);
    // Create i gets a turn only after i - 3 creates gave theirs back, each once it had resolved.
    resolved.forEach((i, rank) => expect(rank).toBeGreaterThanOrEqual(i - 3));
    const echoed = await Promise.all(created.map((_, i) => backend.executeCommand(`s${i}`, `echo ${i}`)));
    expect(echoed.map((r) => expectOk(r).output)).toEqual(created.map((_, i) => `${i}\n`));
  });

  it('a waiting create whose signal aborts is TIMEOUT, not dispatched, and started no shell', async () => {
    backend = new NodePtyBackend({ maxConcurrentCreates: 1 });
    expectOk(await backend.initialize({}));
    const controller = new AbortController();
    // The first takes the only turn synchronously, so the second waits.
    const first = backend.createSession({ sessionId: 'first' });
    const waiting = backend.createSession({ sessionId: 'waiting' }, { signal: controller.signal });
    controller.abort();
    const refused = await waiting;
    expect(!refused.ok && refused.error).toMatchObject({ code: 'TIMEOUT', dispatched: false });
    expectOk(await first);
    const shell = Number(expectOk(await backend.executeCommand('first', 'echo $$')).output);
    const left = await listDescendantProcesses();
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(new RegExp(`\\b${shell}\\b`));
    expect(expectOk(await backend.listSessions()).map((s) => s.id)).toEqual(['first']);
    // Its id was given back.
    expectOk(await backend.createSession({ sessionId: 'waiting' }));
  });

  it('shutdown of 50 sessions at once leaves no process and no descriptor', async () => {
    const before = fds();
    backend = new NodePtyBackend({ killGraceMs: 200 });
    expectOk(await backend.initialize({}));
    const created = await Promise.all(Array.from({ length: 50 }, () => backend.createSession()));
    const ids = created.map((r) => expectOk(r).id);
    // Every fifth shell ignores the hangup and leaves a nohup'd job.
    await Promise.all(
      ids.map(async (id, i) => {
        if (i % 5 === 0)
          expectOk(await backend.executeCommand(id, "trap '' HUP TERM; nohup sleep 1000 >/dev/null 2>&1 &"));
      }),
    );
    expect((await listDescendantProcesses()).length).toBeGreaterThanOrEqual(60);
    await backend.shutdown();
    expect(await listDescendantProcesses()).toEqual([]);
    expect(fds()).toBe(before);
  });
});
