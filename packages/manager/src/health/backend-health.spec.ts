import { healthThresholdsSchema, type HealthThresholdsInput } from '../health-thresholds';
import { BackendHealthTracker, SLOW_START_FLOOR } from './backend-health';

function tracker(input: HealthThresholdsInput = {}): BackendHealthTracker {
  return new BackendHealthTracker(
    healthThresholdsSchema.parse({ windowMs: 10_000, baseEjectionMs: 1000, maxEjectionMs: 5000, ...input }),
  );
}

/** Passing probes from `from`, 1 ms apart, until the tracker recovers; returns when it did. */
function recover(t: BackendHealthTracker, from: number): number {
  for (let now = from; now < from + 100; now++) if (t.recordProbe(true, 1, now)) return now;
  throw new Error('did not recover');
}

describe('BackendHealthTracker', () => {
  it('starts healthy, in rotation, with nothing recorded', () => {
    const t = tracker();
    expect(t.status(0)).toBe('healthy');
    expect(t.ejectionReason(0)).toBeNull();
    expect(t.snapshot(0)).toEqual({
      status: 'healthy',
      ejected: false,
      ejections: 0,
      consecutiveFailures: 0,
      errorRate: 0,
      calls: 0,
      latency: { count: 0, min: 0, max: 0, mean: 0, p50: 0, p95: 0, p99: 0 },
      slowStartFactor: 1,
    });
  });

  it('wants ejection after consecutiveFailures failures in a row, calls and probes alike', () => {
    const t = tracker({ consecutiveFailures: 3, minRequests: 1000 });
    t.recordCall(false, 1, 0, 'UNAVAILABLE: refused');
    t.recordProbe(false, 1, 1);
    expect(t.ejectionReason(2)).toBeNull();
    t.recordCall(false, 1, 2);
    expect(t.ejectionReason(3)).toBe('3 consecutive failures (limit 3)');
  });

  it('starts counting failures in a row again after any success', () => {
    const t = tracker({ consecutiveFailures: 3, minRequests: 1000 });
    t.recordCall(false, 1, 0);
    t.recordCall(false, 1, 1);
    t.recordCall(true, 1, 2);
    t.recordCall(false, 1, 3);
    t.recordCall(false, 1, 4);
    expect(t.consecutiveFailures).toBe(2);
    expect(t.ejectionReason(5)).toBeNull();
  });

  it('wants ejection when the error rate exceeds the maximum over at least minRequests calls', () => {
    const t = tracker({ consecutiveFailures: 100, minRequests: 10, maxErrorRate: 0.5 });
    // Alternating, so failures in a row never pile up.
    for (let i = 0; i < 9; i++) t.recordCall(i % 3 !== 2, 1, i);
    expect(t.ejectionReason(9)).toBeNull(); // 3 of 9 fail, and 9 calls are too few anyway
    const u = tracker({ consecutiveFailures: 100, minRequests: 10, maxErrorRate: 0.5 });
    for (let i = 0; i < 9; i++) u.recordCall(i % 3 === 2, 1, i);
    expect(u.ejectionReason(9)).toBeNull(); // 6 of 9 fail, but 9 < minRequests
    u.recordCall(false, 1, 9);
    expect(u.ejectionReason(10)).toBe('error rate 70% over the last 10 s (7 of 10 calls; limit 50%)');
  });

  it('does not eject at exactly the maximum error rate, nor for failures that left the window', () => {
    const t = tracker({ consecutiveFailures: 100, minRequests: 10, maxErrorRate: 0.5 });
    for (let i = 0; i < 10; i++) t.recordCall(i % 2 === 0, 1, i);
    expect(t.ejectionReason(10)).toBeNull();
    const u = tracker({ consecutiveFailures: 100, minRequests: 10, maxErrorRate: 0.5 });
    for (let i = 0; i < 20; i++) u.recordCall(i % 4 === 0, 1, i);
    expect(u.ejectionReason(20)).not.toBeNull();
    expect(u.ejectionReason(20 + 10_000)).toBeNull();
  });

  it('wants ejection when p95 latency exceeds maxLatencyP95Ms over at least minRequests calls', () => {
    const t = tracker({ minRequests: 10, maxLatencyP95Ms: 100 });
    for (let i = 0; i < 9; i++) t.recordCall(true, 200, i);
    expect(t.ejectionReason(9)).toBeNull();
    t.recordCall(true, 200, 9);
    expect(t.ejectionReason(10)).toBe('p95 latency 200 ms over the last 10 s (limit 100 ms)');
    const fast = tracker({ minRequests: 10, maxLatencyP95Ms: 100 });
    for (let i = 0; i < 50; i++) fast.recordCall(true, 50, i);
    expect(fast.ejectionReason(50)).toBeNull();
    const unlimited = tracker({ minRequests: 10 });
    for (let i = 0; i < 50; i++) unlimited.recordCall(true, 60_000, i);
    expect(unlimited.ejectionReason(50)).toBeNull();
  });

  it('never wants a backend ejected while every call succeeds', () => {
    const t = tracker({ consecutiveFailures: 1, minRequests: 1, maxErrorRate: 0, maxLatencyP95Ms: 100 });
    for (let i = 0; i < 1000; i++) {
      t.recordCall(true, 99, i * 37);
      if (i % 10 === 0) t.recordProbe(true, 5, i * 37);
      expect(t.ejectionReason(i * 37)).toBeNull();
      expect(t.status(i * 37)).toBe('healthy');
    }
  });

  it('doubles the ejection time with each ejection, up to the maximum', () => {
    const t = tracker({ recoveryProbes: 1 });
    const lengths: number[] = [];
    let now = 0;
    for (let i = 0; i < 5; i++) {
      expect(t.eject(now, 'test')).toBe(true);
      lengths.push(t.ejectedUntil! - now);
      now = recover(t, t.ejectedUntil!) + 1;
    }
    expect(lengths).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(t.ejections).toBe(5);
  });

  it('ignores an ejection of a backend already out', () => {
    const t = tracker();
    t.eject(0, 'first');
    expect(t.eject(10, 'second')).toBe(false);
    expect(t.snapshot(10)).toMatchObject({ ejections: 1, ejectedUntil: 1000, ejectionReason: 'first' });
    expect(t.ejectionReason(10)).toBeNull();
  });

  it('comes back after recoveryProbes passing probes, counted only once the ejection time has passed', () => {
    const t = tracker({ recoveryProbes: 2 });
    for (let i = 0; i < 5; i++) t.recordCall(false, 1, i, 'BACKEND_CRASHED: gone');
    t.eject(10, '5 consecutive failures');
    for (const at of [100, 500, 1009]) expect(t.recordProbe(true, 1, at)).toBe(false);
    expect(t.ejected).toBe(true);
    expect(t.status(1009)).toBe('unhealthy');
    expect(t.recordProbe(true, 1, 1010)).toBe(false); // the first pass that counts
    expect(t.ejected).toBe(true);
    expect(t.recordProbe(true, 1, 1011)).toBe(true);
    expect(t.snapshot(1011)).toMatchObject({
      status: 'healthy',
      ejected: false,
      recoveredAt: 1011,
      consecutiveFailures: 0,
      errorRate: 0,
      lastError: 'BACKEND_CRASHED: gone',
      lastProbeAt: 1011,
      lastProbeOk: true,
    });
    expect(t.ejectionReason(1011)).toBeNull();
  });

  it('starts the recovery count again after a failing probe or call', () => {
    const t = tracker({ recoveryProbes: 2 });
    t.eject(0, 'test');
    t.recordProbe(true, 1, 1000);
    t.recordProbe(false, 1, 1001, 'TIMEOUT');
    expect(t.recordProbe(true, 1, 1002)).toBe(false);
    t.recordCall(false, 1, 1003);
    expect(t.recordProbe(true, 1, 1004)).toBe(false);
    expect(t.snapshot(1004)).toMatchObject({ ejected: true, lastProbeOk: true, lastError: 'failed' });
    expect(t.recordProbe(true, 1, 1005)).toBe(true);
  });

  it('ramps a recovered backend from the floor to full weight over slowStartMs', () => {
    const t = tracker({ slowStartMs: 1000, recoveryProbes: 1 });
    expect(t.slowStartFactor(0)).toBe(1); // never ejected
    t.eject(0, 'test');
    expect(t.slowStartFactor(500)).toBe(SLOW_START_FLOOR);
    const at = recover(t, 1000);
    expect(t.slowStartFactor(at)).toBe(SLOW_START_FLOOR);
    expect(t.slowStartFactor(at + 250)).toBeCloseTo(SLOW_START_FLOOR + (1 - SLOW_START_FLOOR) / 4);
    expect(t.slowStartFactor(at + 500)).toBeCloseTo(0.55);
    expect(t.slowStartFactor(at + 999)).toBeLessThan(1);
    expect(t.slowStartFactor(at + 1000)).toBe(1);
    expect(t.slowStartFactor(at + 60_000)).toBe(1);
  });

  it('gives full weight at once when slow start is off', () => {
    const t = tracker({ slowStartMs: 0, recoveryProbes: 1 });
    t.eject(0, 'test');
    expect(t.slowStartFactor(1)).toBe(1);
    expect(t.slowStartFactor(recover(t, 1000))).toBe(1);
  });

  it('is degraded after a recent failure, until the window forgets it', () => {
    const t = tracker();
    t.recordCall(false, 1, 0);
    expect(t.status(0)).toBe('degraded');
    t.recordCall(true, 1, 1);
    expect(t.consecutiveFailures).toBe(0);
    expect(t.status(1)).toBe('degraded');
    expect(t.status(10_000)).toBe('healthy');
  });
});
