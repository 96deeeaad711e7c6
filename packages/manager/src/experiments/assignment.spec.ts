import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { assignVariant, inTraffic, stableUnit, type WeightedVariant } from './assignment';
import { chiSquare } from '../testing/chi-square';

/** Critical values of the chi-square distribution at p = 0.001, by degrees of freedom. */
const CHI_SQUARE_P001: Record<number, number> = { 1: 10.83, 2: 13.82, 4: 18.47, 9: 27.88 };

const KEYS = Array.from({ length: 20_000 }, (_, i) => `user-${i}`);

/** Pearson's statistic for independence of the rows and columns of a contingency table. */
function chiSquareIndependence(table: number[][]): number {
  const rowSums = table.map((row) => row.reduce((s, n) => s + n, 0));
  const colSums = table[0]!.map((_, j) => table.reduce((s, row) => s + row[j]!, 0));
  const total = rowSums.reduce((s, n) => s + n, 0);
  let stat = 0;
  table.forEach((row, i) =>
    row.forEach((observed, j) => {
      const expected = (rowSums[i]! * colSums[j]!) / total;
      stat += (observed - expected) ** 2 / expected;
    }),
  );
  return stat;
}

function countAssignments(experiment: string, variants: WeightedVariant[], keys = KEYS): number[] {
  const counts = variants.map(() => 0);
  for (const key of keys) {
    const name = assignVariant(experiment, key, variants);
    counts[variants.findIndex((v) => v.name === name)]! += 1;
  }
  return counts;
}

describe('stableUnit', () => {
  it('is the first 53 bits of SHA-256 over the NUL-joined parts (values pinned so a change is noticed)', () => {
    // Computed independently with Python's hashlib; if these move, every user changes variant.
    expect(stableUnit('checkout-v2', 'user-42')).toBe(0.4336641120572704);
    expect(stableUnit('exp', 'key', 'variant')).toBe(0.08865659108344448);
    const hex = createHash('sha256').update('a\u0000b').digest('hex');
    expect(stableUnit('a', 'b')).toBe(Number(BigInt(`0x${hex.slice(0, 16)}`) >> 11n) / 2 ** 53);
  });

  it('keeps parts apart: moving a character across the separator gives another point', () => {
    expect(stableUnit('ab', 'c')).not.toBe(stableUnit('a', 'bc'));
    expect(stableUnit('abc')).not.toBe(stableUnit('ab', 'c'));
  });

  it('is uniform on [0, 1) (chi-square over deciles, p = 0.001)', () => {
    const points = KEYS.map((key) => stableUnit('uniformity', key));
    expect(Math.min(...points)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...points)).toBeLessThan(1);
    const deciles = Array.from({ length: 10 }, () => 0);
    for (const u of points) deciles[Math.floor(u * 10)]! += 1;
    expect(chiSquare(deciles, Array(10).fill(1))).toBeLessThan(CHI_SQUARE_P001[9]!);
  });
});

describe('assignVariant', () => {
  const weighted: WeightedVariant[] = [
    { name: 'a', weight: 1 },
    { name: 'b', weight: 2 },
    { name: 'c', weight: 7 },
  ];

  it('gives the same answer for the same inputs, whatever was asked before', () => {
    const first = KEYS.slice(0, 500).map((key) => assignVariant('exp', key, weighted));
    const reversed = KEYS.slice(0, 500)
      .reverse()
      .map((key) => assignVariant('exp', key, [...weighted]))
      .reverse();
    expect(reversed).toEqual(first);
    expect(new Set(first)).toEqual(new Set(['a', 'b', 'c']));
  });

  it('splits keys in proportion to the weights (chi-square goodness of fit, p = 0.001)', () => {
    expect(chiSquare(countAssignments('exp', weighted), [1, 2, 7])).toBeLessThan(CHI_SQUARE_P001[2]!);
    const halves = countAssignments('another', [
      { name: 'x', weight: 0.5 },
      { name: 'y', weight: 0.5 },
    ]);
    expect(chiSquare(halves, [1, 1])).toBeLessThan(CHI_SQUARE_P001[1]!);
  });

  it('is told apart from a close but wrong distribution by the same test', () => {
    const counts = countAssignments('exp', weighted);
    expect(chiSquare(counts, [1, 2, 6])).toBeGreaterThan(CHI_SQUARE_P001[2]!);
    expect(chiSquare(counts, [1, 1, 1])).toBeGreaterThan(CHI_SQUARE_P001[2]!);
  });

  it('assigns independently in two experiments (chi-square test of independence, p = 0.001)', () => {
    const thirds = ['a', 'b', 'c'].map((name) => ({ name, weight: 1 }));
    const table = [0, 1, 2].map(() => [0, 0, 0]);
    for (const key of KEYS) {
      const first = thirds.findIndex((v) => v.name === assignVariant('first', key, thirds));
      const second = thirds.findIndex((v) => v.name === assignVariant('second', key, thirds));
      table[first]![second]! += 1;
    }
    expect(chiSquareIndependence(table)).toBeLessThan(CHI_SQUARE_P001[4]!);
    // The test would see a dependence: the same experiment against itself is a diagonal table.
    const same = [0, 1, 2].map(() => [0, 0, 0]);
    for (const key of KEYS.slice(0, 3000)) {
      const i = thirds.findIndex((v) => v.name === assignVariant('first', key, thirds));
      same[i]![i]! += 1;
    }
    expect(chiSquareIndependence(same)).toBeGreaterThan(CHI_SQUARE_P001[4]!);
  });

  it('never picks a variant of weight 0 (nor a negative or non-finite one)', () => {
    const variants: WeightedVariant[] = [
      { name: 'zero', weight: 0 },
      { name: 'negative', weight: -3 },
      { name: 'nan', weight: Number.NaN },
      { name: 'infinite', weight: Number.POSITIVE_INFINITY },
      { name: 'tiny', weight: 1e-9 },
    ];
    for (const key of KEYS.slice(0, 2000)) expect(assignVariant('exp', key, variants)).toBe('tiny');
  });

  it('returns undefined when nothing can win', () => {
    expect(assignVariant('exp', 'k', [])).toBeUndefined();
    expect(assignVariant('exp', 'k', [{ name: 'a', weight: 0 }])).toBeUndefined();
  });

  const weights = fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 100, noNaN: true })), {
    minLength: 2,
    maxLength: 5,
  });
  const rampKeys = KEYS.slice(0, 200);
  const named = (ws: number[]): WeightedVariant[] => ws.map((weight, i) => ({ name: `v${i}`, weight }));

  it('when one weight rises, only moves keys into that variant (ramping up)', () => {
    fc.assert(
      fc.property(weights, fc.nat(), fc.double({ min: 1.01, max: 50, noNaN: true }), (ws, pick, factor) => {
        const raised = pick % ws.length;
        const before = named(ws);
        const after = named(ws.map((w, i) => (i === raised ? Math.max(w, 0.01) * factor : w)));
        for (const key of rampKeys) {
          const was = assignVariant('ramp', key, before);
          const now = assignVariant('ramp', key, after);
          if (was === `v${raised}`) expect(now).toBe(was);
          if (now !== was) expect(now).toBe(`v${raised}`);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('when one weight falls, only moves keys out of that variant (ramping down)', () => {
    fc.assert(
      fc.property(weights, fc.nat(), fc.double({ min: 0, max: 0.99, noNaN: true }), (ws, pick, factor) => {
        const lowered = pick % ws.length;
        const before = named(ws);
        const after = named(ws.map((w, i) => (i === lowered ? w * factor : w)));
        for (const key of rampKeys) {
          const was = assignVariant('ramp', key, before);
          const now = assignVariant('ramp', key, after);
          if (now !== was) expect(was).toBe(`v${lowered}`);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('moves about the share it must when ramping, not more', () => {
    const before = [
      { name: 'control', weight: 90 },
      { name: 'new', weight: 10 },
    ];
    const after = [
      { name: 'control', weight: 50 },
      { name: 'new', weight: 50 },
    ];
    const moved = KEYS.filter((key) => assignVariant('r', key, before) !== assignVariant('r', key, after));
    // From 10 % to 50 % in 'new': 40 % of keys must move; a fresh reshuffle would move about 50 %.
    expect(moved.length / KEYS.length).toBeCloseTo(0.4, 1);
  });
});

describe('inTraffic', () => {
  it('admits about the requested share of keys (within 4 standard deviations)', () => {
    for (const traffic of [0.01, 0.1, 0.5, 0.9]) {
      const admitted = KEYS.filter((key) => inTraffic('exp', key, traffic)).length;
      const sd = Math.sqrt(KEYS.length * traffic * (1 - traffic));
      expect(Math.abs(admitted - KEYS.length * traffic)).toBeLessThan(4 * sd);
    }
  });

  it('admits nobody at 0 and everybody at 1', () => {
    expect(KEYS.some((key) => inTraffic('exp', key, 0))).toBe(false);
    expect(KEYS.every((key) => inTraffic('exp', key, 1))).toBe(true);
    expect(inTraffic('exp', 'k', Number.NaN)).toBe(false);
  });

  it('only adds keys as traffic rises', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.string(),
        (x, y, key) => {
          const [low, high] = x <= y ? [x, y] : [y, x];
          if (inTraffic('exp', key, low)) expect(inTraffic('exp', key, high)).toBe(true);
        },
      ),
    );
  });

  it('does not tilt the split between variants (separate draw from assignment)', () => {
    const variants = [
      { name: 'a', weight: 1 },
      { name: 'b', weight: 1 },
    ];
    const admitted = KEYS.filter((key) => inTraffic('exp', key, 0.5));
    expect(chiSquare(countAssignments('exp', variants, admitted), [1, 1])).toBeLessThan(CHI_SQUARE_P001[1]!);
  });
});
