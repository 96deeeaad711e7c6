import fc from 'fast-check';
import { seededRandom } from '../testing/seeded-random';
import { LatencyReservoir } from './latency-reservoir';

/** Critical value of the chi-square distribution with 9 degrees of freedom at p = 0.001. */
const CHI_SQUARE_9DF_P001 = 27.88;

function sampleOf(count: number, capacity: number, seed: number): readonly number[] {
  const reservoir = new LatencyReservoir(capacity, seededRandom(seed));
  for (let i = 0; i < count; i++) reservoir.add(i);
  return reservoir.values();
}

function decileChiSquare(sample: readonly number[], count: number): number {
  const deciles = Array.from({ length: 10 }, () => 0);
  for (const value of sample) deciles[Math.floor((value * 10) / count)]! += 1;
  const expected = sample.length / 10;
  return deciles.reduce((stat, observed) => stat + (observed - expected) ** 2 / expected, 0);
}

describe('LatencyReservoir', () => {
  it('keeps every value while below capacity, in order', () => {
    const reservoir = new LatencyReservoir(5);
    [3, 1.5, 0, 7].forEach((ms) => reservoir.add(ms));
    expect(reservoir.values()).toEqual([3, 1.5, 0, 7]);
    expect(reservoir.size).toBe(4);
    expect(reservoir.seen).toBe(4);
  });

  it('ignores values that are not latencies', () => {
    const reservoir = new LatencyReservoir(5);
    [Number.NaN, Number.POSITIVE_INFINITY, -1, Number.NEGATIVE_INFINITY, 2].forEach((ms) =>
      reservoir.add(ms),
    );
    expect(reservoir.values()).toEqual([2]);
    expect(reservoir.seen).toBe(1);
  });

  it('never holds more than its capacity, and only values it was offered', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 200 }),
        fc.integer(),
        (capacity, stream, seed) => {
          const reservoir = new LatencyReservoir(capacity, seededRandom(seed));
          stream.forEach((ms) => reservoir.add(ms));
          expect(reservoir.size).toBe(Math.min(capacity, stream.length));
          expect(reservoir.seen).toBe(stream.length);
          for (const value of reservoir.values()) expect(stream).toContain(value);
        },
      ),
    );
  });

  it('keeps a uniform sample of a long stream (mean within 4 standard errors, deciles by chi-square)', () => {
    const count = 100_000;
    const sample = sampleOf(count, 1000, 2024);
    expect(sample).toHaveLength(1000);
    expect(new Set(sample).size).toBe(1000);
    const mean = sample.reduce((s, v) => s + v, 0) / sample.length;
    // Standard error of the mean of 1000 draws without replacement from 0..99999.
    const standardError = (count / Math.sqrt(12) / Math.sqrt(1000)) * Math.sqrt(1 - 1000 / count);
    expect(Math.abs(mean - 49_999.5)).toBeLessThan(4 * standardError);
    expect(decileChiSquare(sample, count)).toBeLessThan(CHI_SQUARE_9DF_P001);
  });

  it('gives the first and the last value the same chance to be kept', () => {
    // 2000 runs, capacity 5 of 50: each value is kept with probability 0.1, about 200 times (sd 13.4).
    let first = 0;
    let last = 0;
    for (let run = 0; run < 2000; run++) {
      const sample = sampleOf(50, 5, run + 1);
      if (sample.includes(0)) first++;
      if (sample.includes(49)) last++;
    }
    expect(Math.abs(first - 200)).toBeLessThan(54);
    expect(Math.abs(last - 200)).toBeLessThan(54);
  });

  it('is told apart from a biased sample by the same checks (a stream that only keeps its head)', () => {
    const head = Array.from({ length: 1000 }, (_, i) => i * 10);
    expect(decileChiSquare(head, 100_000)).toBeGreaterThan(CHI_SQUARE_9DF_P001);
  });

  it('hands out a copy', () => {
    const reservoir = new LatencyReservoir(3);
    reservoir.add(1);
    const values = reservoir.values();
    reservoir.add(2);
    expect(values).toEqual([1]);
  });

  it('forgets everything on clear', () => {
    const reservoir = new LatencyReservoir(2);
    [1, 2, 3].forEach((ms) => reservoir.add(ms));
    reservoir.clear();
    expect(reservoir.size).toBe(0);
    expect(reservoir.seen).toBe(0);
    reservoir.add(4);
    expect(reservoir.values()).toEqual([4]);
  });

  it('refuses a capacity that cannot work', () => {
    expect(() => new LatencyReservoir(0)).toThrow(RangeError);
    expect(() => new LatencyReservoir(2.5)).toThrow(RangeError);
    expect(() => new LatencyReservoir(Number.NaN)).toThrow(RangeError);
    expect(new LatencyReservoir().capacity).toBe(5000);
  });
});
