import { ok } from '@vth/core';
import { expectOk } from '@vth/testkit';
import { fakePool, pinnedSession } from '../../test/fake-pool';
import { CircuitGuard } from '../pool/circuit-breaker';
import { type Member } from '../sessions/managed-session';
import { SessionTable } from '../sessions/session-table';
import { CallRouter } from './call-router';
import { RetryRunner } from './retry-runner';

/** A router over two fake backends `a` and `b`, and a session `s1` on `a`. `moveTo(b)` moves it. */
async function setup() {
  const { readiness, config, health, member, fakeOf } = fakePool({
    retry: { initialDelayMs: 1, maxDelayMs: 2 },
  });
  const [a, b] = [await member('a'), await member('b')];
  const sessions = new SessionTable({ managerId: 'mgr', closed: () => undefined });
  const info = expectOk(await a.backend!.createSession({ sessionId: 's1' }));
  const s = pinnedSession(a, 's1', { innerId: info.id, options: {}, panes: info.panes, cwd: info.cwd });
  sessions.add(s);
  /** Moves s1 to `to` (as the migrator would), once `land()` is called. */
  const moveTo = (to: Member): { land: () => Promise<void> } => {
    let land!: () => Promise<void>;
    s.unpin();
    s.beginMove(
      () =>
        new Promise((resolve) => {
          land = async () => {
            const moved = expectOk(await to.backend!.createSession({ sessionId: 's1' }));
            s.arrive(to, moved);
            s.settle(moved.cwd);
            resolve(ok());
          };
        }),
    );
    return { land: () => land() };
  };
  const lost: string[] = [];
  const idle: string[] = [];
  const router = new CallRouter({
    readiness,
    sessions,
    retries: new RetryRunner(config.retry, readiness.halt),
    guard: new CircuitGuard<Member>(() => undefined),
    health,
    lost: (_session, why) => {
      lost.push(why);
      void moveTo(b).land();
    },
    idle: (session) => idle.push(session.id),
  });
  return { router, readiness, a, b, fakeOf, moveTo, lost, idle };
}

describe('CallRouter', () => {
  it('follows a session its backend lost under a call: the call runs once, on the new backend', async () => {
    const { router, a, b, fakeOf, lost } = await setup();
    expectOk(await fakeOf(a).destroySession('s1'));
    const r = await router.route('s1', undefined, true, (backend, id, pane) =>
      backend.executeCommand(id, 'echo x', pane),
    );
    expect(expectOk(r).output).toBe('x\n');
    expect(lost).toEqual([expect.stringMatching(/^backend a lost it: /)]);
    expect([fakeOf(a).ran, fakeOf(b).ran]).toEqual([[], ['echo x']]);
  });

  it('waits for a move in progress, then calls the new backend; input is refused while it moves', async () => {
    const { router, b, fakeOf, moveTo } = await setup();
    const move = moveTo(b);
    const input = await router.route('s1', undefined, false, (backend, id, pane) =>
      backend.sendInput(id, 'y\n', pane),
    );
    expect(!input.ok && input.error.message).toBe(
      'session s1 is moving to another backend; nothing was sent',
    );
    const running = router.route('s1', undefined, true, (backend, id, pane) =>
      backend.executeCommand(id, 'echo after', pane),
    );
    await move.land();
    expect(expectOk(await running).output).toBe('after\n');
    expect(fakeOf(b).ran).toEqual(['echo after']);
    expect(fakeOf(b).inputs).toEqual([]);
  });

  it('retries where the session is a failure that never reached the shell, and nothing that may have', async () => {
    const { router, a, fakeOf } = await setup();
    fakeOf(a).failNext(2, { code: 'UNAVAILABLE', dispatched: false });
    const retried = await router.route('s1', undefined, true, (backend, id, pane) =>
      backend.executeCommand(id, 'echo once', pane),
    );
    expect(expectOk(retried).output).toBe('once\n');
    fakeOf(a).failNext(1, { code: 'INTERNAL', dispatched: true });
    const dispatched = await router.route('s1', undefined, true, (backend, id, pane) =>
      backend.executeCommand(id, 'echo twice?', pane),
    );
    expect(!dispatched.ok && dispatched.error).toMatchObject({
      code: 'INTERNAL',
      dispatched: true,
      backendId: 'a',
    });
    expect(fakeOf(a).ran).toEqual(['echo once', 'echo twice?']);
  });

  it('says when a session becomes idle: the last of its calls in flight ended', async () => {
    const { router, a, fakeOf, idle } = await setup();
    fakeOf(a).hold();
    const first = router.route('s1', undefined, true, (backend, id, pane) =>
      backend.executeCommand(id, 'echo 1', pane),
    );
    const second = router.route('s1', undefined, true, (backend, id, pane) =>
      backend.executeCommand(id, 'echo 2', pane),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toEqual([]);
    fakeOf(a).release();
    await Promise.all([first, second]);
    expect(idle).toEqual(['s1']);
  });

  it('names an unknown session, and answers NOT_INITIALIZED once the manager shut down', async () => {
    const { router, readiness } = await setup();
    const unknown = await router.route('nope', undefined, true, (backend, id) => backend.capture(id));
    expect(!unknown.ok && unknown.error.message).toBe('no session "nope" in manager mgr');
    readiness.shuttingDown();
    const late = await router.route('s1', undefined, true, (backend, id) => backend.capture(id));
    expect(!late.ok && [late.error.code, late.error.message]).toEqual([
      'NOT_INITIALIZED',
      'the manager has been shut down',
    ]);
  });
});
