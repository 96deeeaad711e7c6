import fc from 'fast-check';
import { LatencyHistogram } from './latency-histogram';

function exactPercentile(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

describe('LatencyHistogram', () => {
  it('is empty at first', () => {
    expect(new LatencyHistogram().summary()).toEqual({
      count: 0,
      min: 0,
      max: 0,
      mean: 0,
      p50: 0,
      p95: 0,
      p99: 0,
    });
  });

  it('reports exact min, max and mean and percentiles within 4 % of the exact ones', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.001, max: 600_000, noNaN: true }), { minLength: 1, maxLength: 400 }),
        (samples) => {
          const h = new LatencyHistogram();
          for (const s of samples) h.record(s);
          const sorted = [...samples].sort((a, b) => a - b);
          const sum = h.summary();
          expect(sum.count).toBe(samples.length);
          expect(sum.min).toBe(sorted[0]);
          expect(sum.max).toBe(sorted[sorted.length - 1]);
          expect(sum.mean).toBeCloseTo(samples.reduce((a, b) => a + b, 0) / samples.length, 6);
          for (const q of [0.5, 0.95, 0.99]) {
            const exact = exactPercentile(sorted, q);
            const got = h.percentile(q);
            // 1 µs absolute resolution at the bottom, about 3 % relative above 64 µs.
            expect(Math.abs(got - exact)).toBeLessThanOrEqual(Math.max(exact * 0.04, 0.001));
          }
        },
      ),
    );
  });

  it('ignores negative and non-finite samples, merges and resets', () => {
    const a = new LatencyHistogram();
    a.record(-1);
    a.record(Number.NaN);
    a.record(Infinity);
    expect(a.count).toBe(0);
    a.record(1);
    const b = new LatencyHistogram();
    b.record(3);
    a.merge(b);
    expect(a.summary()).toMatchObject({ count: 2, min: 1, max: 3, mean: 2 });
    a.reset();
    expect(a.count).toBe(0);
  });
});
