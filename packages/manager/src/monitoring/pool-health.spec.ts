import { BackendError, ok } from '@vth/core';
import { fakePool } from '../../test/fake-pool';

const crash = new BackendError('BACKEND_CRASHED', 'gone', { dispatched: true });

describe('PoolHealth', () => {
  it('ejects a member after its failures (within the cap), says so, and asks for a probe when its ejection ends', async () => {
    const clock = { now: () => 1_000_000 };
    const { health, member, seen, probesAsked } = fakePool(
      { health: { consecutiveFailures: 2, baseEjectionMs: 5000, maxEjectionPercent: 50 } },
      { clock },
    );
    const a = await member('a');
    await member('b');
    health.failed(a, crash);
    expect(seen.filter(([e]) => e === 'backend-ejected')).toEqual([]);
    health.failed(a, crash);
    expect(seen).toContainEqual([
      'backend-ejected',
      {
        backendId: 'a',
        reason: expect.stringMatching(/2 consecutive failures/),
        ejectionMs: 5000,
        ejections: 1,
      },
    ]);
    expect(probesAsked).toEqual([['a', 5000]]);
    expect(health.status()).toMatchObject({
      status: 'degraded',
      message: expect.stringMatching(/^a: ejected/),
    });
  });

  it('brings an ejected member back after passing probes, with how long it was out', async () => {
    const { health, member, seen } = fakePool({
      health: { consecutiveFailures: 1, baseEjectionMs: 0, recoveryProbes: 2, maxEjectionPercent: 50 },
    });
    const a = await member('a');
    await member('b');
    health.failed(a, crash);
    expect(a.tracker.ejected).toBe(true);
    health.probed(a, ok(), 1);
    expect(a.tracker.ejected).toBe(true);
    health.probed(a, ok(), 1);
    expect(a.tracker.ejected).toBe(false);
    expect(seen).toContainEqual(['backend-recovered', { backendId: 'a', outMs: expect.any(Number) }]);
    expect(health.status().status).toBe('healthy');
  });

  it('a member that cannot start is out at once; the manager is unhealthy when no member can take a session', async () => {
    const { health, pool, seen } = fakePool();
    const a = pool.add('a', { type: 'fake', config: {}, weight: 1 }, pool.main);
    health.startFailed(a, 'it could not be started: no engine');
    expect(seen).toContainEqual([
      'backend-ejected',
      expect.objectContaining({ backendId: 'a', reason: 'it could not be started: no engine' }),
    ]);
    expect(health.status()).toMatchObject({ status: 'unhealthy', details: { usable: 0 } });
  });

  it('reports each status change once: per member, and for the manager', async () => {
    const { health, member, seen } = fakePool({
      health: { consecutiveFailures: 1, maxEjectionPercent: 100 },
    });
    const a = await member('a');
    health.report();
    expect(seen).toEqual([]);
    health.failed(a, crash);
    const changes = (): unknown[] =>
      seen.filter(([e]) => e === 'backend-health-changed' || e === 'health-changed');
    expect(changes()).toEqual([
      ['backend-health-changed', expect.objectContaining({ backendId: 'a', previous: 'healthy' })],
      ['health-changed', expect.objectContaining({ previous: 'healthy' })],
    ]);
    health.report();
    expect(changes()).toHaveLength(2);
  });
});
