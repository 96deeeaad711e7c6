import { fail, type BackendResult, type SessionInfo } from '@vth/core';
import { BackendFactory } from '@vth/factory';
import { expectOk } from '@vth/testkit';
import { BackendManager } from './backend-manager';
import { type ManagerConfigInput } from './manager-config';
import { createFakePlugin, type FakePlugin } from './testing/fake-plugin';

const managers: BackendManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.shutdown()));
});

async function start(
  ids = ['main'],
  config: Partial<ManagerConfigInput> = {},
): Promise<{ manager: BackendManager; fakes: FakePlugin }> {
  const fakes = createFakePlugin();
  const manager = new BackendManager({ factory: new BackendFactory({ plugins: [fakes.plugin] }) });
  managers.push(manager);
  expectOk(
    await manager.initialize({
      backends: ids.map((id) => ({ type: 'fake', id })),
      probe: { enabled: false },
      ...config,
    }),
  );
  return { manager, fakes };
}

// A session's start and end when the backend under it answers something unusual.
describe('session start and end through the manager', () => {
  it('keeps a session whose backend failed to destroy it, so that it can be destroyed again', async () => {
    const { manager, fakes } = await start();
    const s = expectOk(await manager.createSession({ sessionId: 's1' }));
    const fake = fakes.byPoolId('main')!;
    const destroy = fake.destroySession.bind(fake);
    fake.destroySession = async () => fail('INTERNAL', 'the engine hiccuped', { dispatched: true });
    const r = await manager.destroySession(s.id);
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL', backendId: 'main' } });
    expect(manager.backendOf('s1')).toBe('main');
    fake.destroySession = destroy;
    expectOk(await manager.destroySession(s.id));
    expect(manager.backendOf('s1')).toBeUndefined();
  });

  it('counts a session its backend no longer knows as destroyed', async () => {
    const { manager, fakes } = await start();
    const s = expectOk(await manager.createSession({ sessionId: 's1' }));
    const fake = fakes.byPoolId('main')!;
    // Its shell just died there, and the news has not reached the manager yet.
    fake.destroySession = async () => fail('SESSION_NOT_FOUND', 'no session "s1"', { dispatched: false });
    expectOk(await manager.destroySession(s.id));
    expect(expectOk(await manager.listSessions())).toEqual([]);
  });

  it("lists sessions from its own table when a backend's list fails", async () => {
    const { manager, fakes } = await start();
    expectOk(await manager.createSession({ sessionId: 's1', cwd: '/srv' }));
    const fake = fakes.byPoolId('main')!;
    fake.listSessions = async (): Promise<BackendResult<SessionInfo[]>> =>
      fail('UNAVAILABLE', 'cannot list now', { dispatched: false });
    const listed = expectOk(await manager.listSessions());
    expect(listed.map((i) => [i.id, i.cwd, i.backendId])).toEqual([['s1', '/srv', manager.id]]);
  });

  it('closes a session that opened while the manager shut down, and refuses it', async () => {
    const { manager, fakes } = await start();
    const fake = fakes.byPoolId('main')!;
    const create = fake.createSession.bind(fake);
    let shuttingDown: Promise<void> | undefined;
    fake.createSession = async (...args) => {
      const r = await create(...args);
      shuttingDown = manager.shutdown();
      return r;
    };
    const r = await manager.createSession({ sessionId: 's1' });
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_INITIALIZED', dispatched: false } });
    await shuttingDown;
    expect(fake.shellState('s1')).toBeUndefined();
  });
});

describe('a session its backend closed', () => {
  async function twoBackends() {
    const { manager, fakes } = await start(['a', 'b']);
    return { manager, a: fakes.byPoolId('a')! };
  }

  it.each([
    [{ reason: 'shutdown' }, 'its shell on a ended when the backend shut down'],
    [{ reason: 'exited', signal: 'SIGKILL' }, 'its shell on a was killed by SIGKILL'],
    [{ reason: 'exited', signal: 9 }, 'its shell on a was killed by 9'],
  ] as const)('moves it elsewhere when it ended %j, and says how', async (closed, why) => {
    const { manager, a } = await twoBackends();
    const s = expectOk(await manager.createSession({ sessionId: 's1' }));
    const failover = new Promise((resolve) => manager.once('failover', resolve));
    const migrated = new Promise((resolve) => manager.once('session-migrated', resolve));
    // The backend reports the session's end on its own (nobody destroyed it).
    a.emit('session-closed', { sessionId: s.id, ...closed });
    expect(await failover).toMatchObject({ from: 'a', reason: why, sessions: ['s1'] });
    expect(await migrated).toMatchObject({ sessionId: 's1', from: 'a', to: 'b' });
    expect(manager.backendOf('s1')).toBe('b');
  });

  it('forgets it when its shell exited normally', async () => {
    const { manager, a } = await twoBackends();
    const s = expectOk(await manager.createSession({ sessionId: 's1' }));
    const closed = new Promise((resolve) => manager.once('session-closed', resolve));
    a.emit('session-closed', { sessionId: s.id, reason: 'exited', exitCode: 0 });
    expect(await closed).toMatchObject({ sessionId: 's1', reason: 'exited' });
    expect(manager.backendOf('s1')).toBeUndefined();
  });

  it('moves its sessions away from a backend whose circuit opened', async () => {
    const { manager, fakes } = await start(['a', 'b'], {
      circuitBreaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 },
      health: { consecutiveFailures: 100 },
      retry: { maxRetries: 0 },
    });
    const s = expectOk(await manager.createSession({ sessionId: 's1' }));
    expect(manager.backendOf(s.id)).toBe('a');
    const failover = new Promise((resolve) => manager.once('failover', resolve));
    const migrated = new Promise((resolve) => manager.once('session-migrated', resolve));
    fakes.byPoolId('a')!.failNext(2, { code: 'UNAVAILABLE', dispatched: false });
    for (let i = 0; i < 2; i++) {
      expect(await manager.executeCommand(s.id, 'echo hi')).toMatchObject({ ok: false });
    }
    expect(manager.getMetrics().backends['a']!.circuit).toBe('open');
    // The next call meets the open circuit: the session moves, and the call runs where it landed.
    const r = await manager.executeCommand(s.id, 'echo hi');
    expect(r.ok && r.value.output).toBe('hi\n');
    expect(fakes.byPoolId('b')!.ran).toEqual(['echo hi']);
    expect(await failover).toMatchObject({ from: 'a', reason: 'the circuit breaker of a is open' });
    expect(await migrated).toMatchObject({ sessionId: 's1', from: 'a', to: 'b' });
    expect(manager.backendOf('s1')).toBe('b');
  });

  it("relays a backend's output for its own live sessions only", async () => {
    const { manager, fakes } = await start();
    const s = expectOk(await manager.createSession({ sessionId: 's1' }));
    const seen: unknown[] = [];
    manager.on('output', (e) => seen.push(e));
    const fake = fakes.byPoolId('main')!;
    // Output of a session the manager does not hold (a shell someone opened on the backend directly).
    fake.emit('output', { sessionId: 'not-ours', paneId: '0', data: 'stray' });
    fake.emit('output', { sessionId: s.id, paneId: '0', data: 'mine' });
    expect(seen).toEqual([expect.objectContaining({ sessionId: 's1', data: 'mine' })]);
  });
});
