import { type LatencySummary } from '@vth/core';
import { backendView } from '../testing/backend-view-fixture';
import { createPerformanceBasedStrategy } from './performance-based';

function latency(p50: number, count = 10): LatencySummary {
  return { count, min: p50, max: p50, mean: p50, p50, p95: p50, p99: p50 };
}

const context = { random: () => 0.5 };

describe('performance-based', () => {
  const strategy = createPerformanceBasedStrategy();

  it('picks the lowest median latency, wherever it sits in the list', () => {
    const slow = backendView({ id: 'slow', order: 0, latency: latency(40) });
    const fast = backendView({ id: 'fast', order: 1, latency: latency(12) });
    const mid = backendView({ id: 'mid', order: 2, latency: latency(20) });
    expect(strategy.select([slow, fast, mid], context)).toBe(fast);
    expect(strategy.select([mid, slow, fast], context)).toBe(fast);
  });

  it('prefers a backend not measured yet, so it gets measured', () => {
    const fast = backendView({ id: 'fast', order: 0, latency: latency(1) });
    const fresh = backendView({ id: 'fresh', order: 1 });
    expect(strategy.select([fast, fresh], context)).toBe(fresh);
  });

  it('treats a count of 0 as unknown even when p50 says otherwise', () => {
    const stale = backendView({ id: 'stale', order: 0, latency: latency(500, 0) });
    const measured = backendView({ id: 'measured', order: 1, latency: latency(1) });
    expect(strategy.select([measured, stale], context)).toBe(stale);
  });

  it('breaks ties by configuration order, among measured and unmeasured alike', () => {
    const a = backendView({ id: 'a', order: 0, latency: latency(10) });
    const b = backendView({ id: 'b', order: 1, latency: latency(10) });
    expect(strategy.select([b, a], context)).toBe(a);
    const x = backendView({ id: 'x', order: 3 });
    const y = backendView({ id: 'y', order: 2 });
    expect(strategy.select([x, y, a], context)).toBe(y);
  });

  it('returns undefined without candidates', () => {
    expect(strategy.select([], context)).toBeUndefined();
  });
});
