import { healthThresholdsSchema, type HealthThresholdsInput } from '../health-thresholds';
import { HealthPool } from './health-pool';

function pool(ids: string[], input: HealthThresholdsInput = {}): HealthPool {
  const p = new HealthPool(
    healthThresholdsSchema.parse({
      windowMs: 10_000,
      consecutiveFailures: 3,
      minRequests: 1000,
      baseEjectionMs: 1000,
      recoveryProbes: 1,
      ...input,
    }),
  );
  for (const id of ids) p.add(id);
  return p;
}

function failCalls(p: HealthPool, id: string, n: number, now: number): void {
  for (let i = 0; i < n; i++) p.get(id)!.recordCall(false, 1, now, 'UNAVAILABLE');
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `b${i}`);

describe('HealthPool', () => {
  it('ejects a failing backend and reports it', () => {
    const p = pool(['a', 'b', 'c', 'd']);
    failCalls(p, 'b', 3, 0);
    expect(p.evaluate(0)).toEqual([
      { id: 'b', event: 'ejected', reason: '3 consecutive failures (limit 3)' },
    ]);
    expect(p.inRotation(0)).toEqual(['a', 'c', 'd']);
    expect(p.evaluate(1)).toEqual([]);
  });

  it('never ejects a healthy backend', () => {
    const p = pool(['ok', 'bad1', 'bad2'], { maxEjectionPercent: 100 });
    for (let now = 0; now < 50; now++) {
      p.get('ok')!.recordCall(true, 5, now);
      failCalls(p, 'bad1', 1, now);
      failCalls(p, 'bad2', 1, now);
      p.evaluate(now);
      expect(p.inRotation(now)).toContain('ok');
    }
    expect(p.inRotation(50)).toEqual(['ok']);
    expect(p.get('ok')!.ejections).toBe(0);
  });

  it('caps ejections at 50 % of 2 backends: one out, the other held in and reported degraded once', () => {
    const p = pool(['a', 'b']);
    expect(p.maxEjections()).toBe(1);
    failCalls(p, 'a', 3, 0);
    failCalls(p, 'b', 4, 0);
    const events = p.evaluate(0);
    // The worse one (more failures in a row) goes.
    expect(events.map(({ id, event }) => [id, event])).toEqual([
      ['b', 'ejected'],
      ['a', 'degraded'],
    ]);
    expect(events[1]!.reason).toBe(
      '3 consecutive failures (limit 3); kept in rotation: 1 of 2 backends already ejected (maxEjectionPercent 50)',
    );
    expect(p.inRotation(0)).toEqual(['a']);
    expect(p.get('a')!.status(0)).toBe('degraded');
    expect(p.evaluate(1)).toEqual([]);
  });

  it('caps ejections at 50 % of 3 backends: one', () => {
    const p = pool(ids(3));
    expect(p.maxEjections()).toBe(1);
    for (const id of p.ids()) failCalls(p, id, 3, 0);
    const events = p.evaluate(0);
    expect(events.filter((e) => e.event === 'ejected').map((e) => e.id)).toEqual(['b0']);
    expect(events.filter((e) => e.event === 'degraded').map((e) => e.id)).toEqual(['b1', 'b2']);
    expect(p.inRotation(0)).toEqual(['b1', 'b2']);
  });

  it('caps ejections at 50 % of 10 backends: five', () => {
    const p = pool(ids(10));
    expect(p.maxEjections()).toBe(5);
    for (const id of p.ids()) failCalls(p, id, 3, 0);
    const events = p.evaluate(0);
    expect(events.filter((e) => e.event === 'ejected')).toHaveLength(5);
    expect(events.filter((e) => e.event === 'degraded')).toHaveLength(5);
    expect(p.inRotation(0)).toHaveLength(5);
  });

  it('lets at least one go whatever the percentage, and none at 0 %', () => {
    expect(pool(ids(10), { maxEjectionPercent: 5 }).maxEjections()).toBe(1);
    expect(pool(ids(1), { maxEjectionPercent: 50 }).maxEjections()).toBe(1);
    const none = pool(ids(4), { maxEjectionPercent: 0 });
    expect(none.maxEjections()).toBe(0);
    failCalls(none, 'b0', 10, 0);
    expect(none.evaluate(0).map((e) => e.event)).toEqual(['degraded']);
    expect(none.inRotation(0)).toHaveLength(4);
  });

  it('reports a recovery once, and uses the freed room for a held backend', () => {
    const p = pool(['a', 'b']);
    failCalls(p, 'a', 3, 0);
    failCalls(p, 'b', 3, 0);
    p.evaluate(0); // a out, b held
    expect(p.get('a')!.recordProbe(true, 1, 1000)).toBe(true);
    expect(p.evaluate(1000)).toEqual([
      { id: 'a', event: 'recovered', reason: '1 probe passed' },
      { id: 'b', event: 'ejected', reason: '3 consecutive failures (limit 3)' },
    ]);
    expect(p.evaluate(1001)).toEqual([]);
    expect(p.inRotation(1001)).toEqual(['a']);
  });

  it('panics when too few backends are in rotation, and stops when enough are back', () => {
    const p = pool(['a', 'b', 'c', 'd'], { maxEjectionPercent: 100, panicThresholdPercent: 50 });
    failCalls(p, 'a', 3, 0);
    failCalls(p, 'b', 3, 0);
    p.evaluate(0);
    // 2 of 4 in rotation: 50 % is not below 50 %.
    expect(p.panic(0)).toBe(false);
    expect(p.eligible(0)).toEqual({ ids: ['c', 'd'], panic: false });
    failCalls(p, 'c', 3, 0);
    p.evaluate(0);
    expect(p.panic(0)).toBe(true);
    expect(p.eligible(0)).toEqual({ ids: ['a', 'b', 'c', 'd'], panic: true });
    p.get('c')!.recordProbe(true, 1, 1000);
    p.evaluate(1000);
    expect(p.eligible(1000)).toEqual({ ids: ['c', 'd'], panic: false });
  });

  it('routes to none rather than panic when the panic threshold is 0', () => {
    const p = pool(['a'], { maxEjectionPercent: 100, panicThresholdPercent: 0 });
    failCalls(p, 'a', 3, 0);
    p.evaluate(0);
    expect(p.eligible(0)).toEqual({ ids: [], panic: false });
  });

  it('adds, finds and removes trackers', () => {
    const p = pool([]);
    expect(p.eligible(0)).toEqual({ ids: [], panic: false });
    const a = p.add('a');
    expect(p.add('a')).toBe(a);
    expect(p.get('a')).toBe(a);
    expect(p.size).toBe(1);
    expect(p.remove('a')).toBe(true);
    expect(p.remove('a')).toBe(false);
    expect(p.get('a')).toBeUndefined();
    expect(p.ids()).toEqual([]);
  });
});
