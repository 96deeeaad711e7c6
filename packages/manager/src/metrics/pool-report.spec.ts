import { BackendError } from '@vth/core';
import { fakePool } from '../../test/fake-pool';
import { ManagerCounters } from './manager-counters';
import { managerMetrics, poolSummary } from './pool-report';

describe('pool report', () => {
  it("lists the pool in order with each backend's state, and breaks the manager's metrics down per backend", async () => {
    const { pool, member, health } = fakePool({ health: { consecutiveFailures: 1, maxEjectionPercent: 50 } });
    const a = await member('a');
    await member('b');
    a.beginDrain({ mode: 'move', reason: 'drain' });
    health.failed(a, new BackendError('BACKEND_CRASHED', 'gone'));
    const t = Date.now();
    expect(poolSummary(pool, t)).toEqual([
      expect.objectContaining({
        id: 'a',
        order: 0,
        running: true,
        ejected: true,
        draining: true,
        group: 'main',
      }),
      expect.objectContaining({
        id: 'b',
        order: 1,
        running: true,
        ejected: false,
        draining: false,
        status: 'healthy',
      }),
    ]);
    const counters = new ManagerCounters();
    counters.failover();
    counters.migrated();
    counters.swapped(12);
    const metrics = managerMetrics(counters.snapshot('mgr', 'manager', 0), counters, pool, t);
    expect(metrics).toMatchObject({
      backendId: 'mgr',
      failovers: 1,
      migrations: { succeeded: 1, failed: 0 },
      swaps: { succeeded: 1, failed: 0, lastDurationMs: 12 },
      ejections: 1,
      panic: false,
      backends: {
        a: { circuit: 'closed', draining: true, backend: { backendId: 'a' } },
        b: { activeSessions: 0 },
      },
    });
  });

  it('reports an empty pool before the manager starts', () => {
    const counters = new ManagerCounters();
    expect(
      managerMetrics(counters.snapshot('mgr', 'manager', 0), counters, undefined, Date.now()),
    ).toMatchObject({
      backends: {},
      ejections: 0,
      panic: false,
      swaps: { succeeded: 0, failed: 0 },
    });
  });
});
