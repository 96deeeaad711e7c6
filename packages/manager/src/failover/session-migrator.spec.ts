import { expectOk } from '@vth/testkit';
import { fakePool, pinnedSession } from '../../test/fake-pool';
import { type ManagerConfigInput } from '../manager-config';
import { CircuitGuard } from '../pool/circuit-breaker';
import { RetryRunner } from '../routing/retry-runner';
import { SessionPlacer } from '../routing/session-placer';
import { type ManagedSession, type Member } from '../sessions/managed-session';
import { SessionTable } from '../sessions/session-table';
import { StrategyRegistry } from '../strategies/strategy-registry';
import { FailoverBatches } from './failover-batches';
import { SessionMigrator } from './session-migrator';

/** A migrator over fake backends `a` and `b`, and `open(id)`: a session on `a`. */
async function setup(config: Partial<ManagerConfigInput> = {}) {
  const base = fakePool({ retry: { maxRetries: 0 }, ...config });
  const { pool, events, counters, clock, health, readiness } = base;
  const a = await base.member('a');
  const b = await base.member('b');
  const sessions = new SessionTable({ managerId: 'mgr', closed: () => undefined });
  const placer = new SessionPlacer({
    pool,
    strategy: new StrategyRegistry().create('primary-fallback')!,
    random: () => 0.5,
    clock,
    events,
    guard: new CircuitGuard<Member>(() => undefined),
    health,
    retries: new RetryRunner(base.config.retry, readiness.halt),
  });
  const migrator = new SessionMigrator({
    config: base.config.failover,
    ready: () => readiness.ready,
    sessions,
    placer,
    health,
    events,
    counters,
    failovers: new FailoverBatches({ events, counters, clock }),
  });
  const open = async (id: string, env: Record<string, string> = {}): Promise<ManagedSession> => {
    const info = expectOk(await a.backend!.createSession({ sessionId: id, env }));
    const s = pinnedSession(a, id, { innerId: info.id, options: { env }, panes: info.panes, cwd: info.cwd });
    sessions.add(s);
    return s;
  };
  return { ...base, a, b, sessions, migrator, open };
}

describe('SessionMigrator', () => {
  it('re-creates a lost session elsewhere with its id, working directory and environment', async () => {
    const { migrator, open, a, b, fakeOf, seen, counters } = await setup();
    const s = await open('s1', { FROM_START: 'yes' });
    s.cwd = '/srv';
    s.environment.observe('export TOKEN=t', 'completed', 0);
    migrator.sessionLost(s, 'its shell on a crashed', 'crashed');
    expect(s.state).toBe('moving');
    expectOk(await s.move!);
    expect([s.state, s.member, s.cwd]).toEqual(['live', b, '/srv']);
    expect(fakeOf(b).shellState('s1')).toMatchObject({ cwd: '/srv', env: { FROM_START: 'yes', TOKEN: 't' } });
    expect(seen).toContainEqual([
      'session-migrated',
      expect.objectContaining({ sessionId: 's1', from: 'a', to: 'b', cwd: '/srv', reason: 'crashed' }),
    ]);
    expect(counters.pool().migrations).toEqual({ succeeded: 1, failed: 0 });
    // A crash counts against the backend; the old shell is not left running unseen.
    expect(a.tracker.snapshot(Date.now()).consecutiveFailures).toBe(1);
    expect(fakeOf(a).shellState('s1')).toBeUndefined();
  });

  it('ends a lost session at once when failover is off', async () => {
    const { migrator, open, seen, sessions } = await setup({ failover: { enabled: false } });
    const s = await open('s1');
    migrator.sessionLost(s, 'gone', 'crashed');
    expect([s.state, s.move, sessions.get('s1')]).toEqual(['closed', undefined, undefined]);
    expect(seen).toContainEqual(['session-closed', { sessionId: 's1', reason: 'crashed' }]);
  });

  it('ends a session nothing can take, and later calls learn why', async () => {
    const { migrator, open, a, b, seen, sessions, counters } = await setup();
    const s = await open('s1');
    for (const m of [a, b]) m.beginDrain({ mode: 'finish', reason: 'drain' });
    migrator.sessionLost(s, 'its shell on a crashed', 'crashed');
    const moved = await s.move!;
    expect(!moved.ok && moved.error.message).toMatch(
      /^session s1 was lost \(its shell on a crashed\) and could not be re-created/,
    );
    expect(s.state).toBe('closed');
    const later = sessions.find('s1');
    expect(!later.ok && later.error).toBe(!moved.ok && moved.error);
    expect(seen.map(([e]) => e)).toEqual(
      expect.arrayContaining(['session-migration-failed', 'session-closed']),
    );
    expect(counters.pool().migrations).toEqual({ succeeded: 0, failed: 1 });
  });

  it("lets an idle session go from a backend draining by moves (the drain's reason), not from one letting sessions finish", async () => {
    const { migrator, open, a, b, seen } = await setup();
    const s = await open('s1');
    a.beginDrain({ mode: 'finish', reason: 'experiment-stopped' });
    migrator.releaseIfDraining(s);
    expect(s.state).toBe('live');
    a.beginDrain({ mode: 'move', reason: 'hot-swap', target: b });
    migrator.releaseIfDraining(s);
    expectOk(await s.move!);
    expect(s.member).toBe(b);
    expect(seen).toContainEqual(['session-migrated', expect.objectContaining({ reason: 'hot-swap' })]);
  });

  it('moves every session of a backend whose circuit opened', async () => {
    const { migrator, open, a, b } = await setup();
    const sessions = [await open('s1'), await open('s2')];
    migrator.evacuate(a, 'the circuit breaker of a is open', 'crashed');
    await Promise.all(sessions.map((s) => s.move));
    expect(sessions.map((s) => s.member)).toEqual([b, b]);
    expect(a.sessions.size).toBe(0);
  });

  it("starts with the new backend's defaults when it refuses the old session's settings, keeping size and labels", async () => {
    const { migrator, open, b, fakeOf, seen } = await setup();
    const s = await open('s1', { KEEP: '1' });
    s.cwd = '/workspace';
    s.cols = 100;
    s.rows = 40;
    Object.assign(s.options, { labels: { team: 'infra' } });
    // The first try (old id, cwd and options) is refused as bad input; the second takes defaults.
    fakeOf(b).failNext(1, { code: 'INVALID_INPUT', dispatched: false, on: 'createSession' });
    migrator.sessionLost(s, 'its shell on a crashed', 'crashed');
    expectOk(await s.move!);
    expect(s.member).toBe(b);
    expect(s.innerId).not.toBe('s1');
    const listed = expectOk(await b.backend!.listSessions());
    expect(listed.map((i) => i.id)).toEqual([s.innerId]);
    expect(fakeOf(b).shellState(s.innerId)).toMatchObject({ cwd: '/home/fake', env: { KEEP: '1' } });
    const migrated = seen.find(([e]) => e === 'session-migrated')?.[1] as Record<string, unknown>;
    expect(migrated).toMatchObject({ sessionId: 's1', from: 'a', to: 'b' });
    expect(migrated).not.toHaveProperty('cwd');
  });

  it('ends the session when the manager stops during the move, closing the shell it had opened', async () => {
    const { migrator, open, b, fakeOf, readiness, seen } = await setup();
    const s = await open('s1');
    const created = b.backend!.createSession.bind(b.backend);
    // The manager halts while the new shell is being opened: the shell it got must not live on.
    b.backend!.createSession = async (...args) => {
      const r = await created(...args);
      readiness.shuttingDown();
      return r;
    };
    migrator.sessionLost(s, 'its shell on a crashed', 'crashed');
    const moved = await s.move!;
    expect(!moved.ok && moved.error).toMatchObject({ code: 'SESSION_NOT_FOUND', dispatched: false });
    expect(!moved.ok && moved.error.message).toMatch(/the manager was shut down during the move/);
    expect(expectOk(await fakeOf(b).listSessions())).toEqual([]);
    // Stopping, the manager reports no failed migration.
    expect(seen.map(([e]) => e)).not.toContain('session-migration-failed');
  });
});
