import fc from 'fast-check';
import { normalCdf, twoSidedPValue } from './standard-normal';

/** Φ(-x), from Python's math.erfc(x / sqrt(2)) / 2 (a full-precision erfc). */
const LOWER_TAIL: Array<[number, number]> = [
  [0, 0.5],
  [0.5, 0.3085375387259869],
  [1, 0.15865525393145707],
  [1.645, 0.04998490553912137],
  [1.96, 0.024997895148220435],
  [2.5, 0.006209665325776139],
  [2.9999, 0.0013503412829549248],
  [3, 0.0013498980316300957],
  [3.5, 0.00023262907903552504],
  [4, 3.1671241833119965e-5],
  [5, 2.866515718791946e-7],
  [6, 9.865876450377012e-10],
  [6.5, 4.016000583859125e-11],
  [7, 1.279812543885835e-12],
  [8, 6.220960574271819e-16],
  [10, 7.619853024160593e-24],
  [20, 2.7536241186063314e-89],
  [37, 5.725571222525139e-300],
];

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / expected;
}

describe('normalCdf', () => {
  it('matches textbook values', () => {
    expect(normalCdf(1.96)).toBeCloseTo(0.975002, 6);
    expect(normalCdf(3)).toBeCloseTo(0.99865, 6);
    expect(normalCdf(-1.645)).toBeCloseTo(0.049985, 6);
    expect(normalCdf(0)).toBe(0.5);
  });

  it.each(LOWER_TAIL)('keeps its relative precision in the lower tail: Φ(-%p)', (x, expected) => {
    expect(relativeError(normalCdf(-x), expected)).toBeLessThan(1e-12);
    expect(Math.abs(normalCdf(x) - (1 - expected))).toBeLessThan(1e-15);
  });

  it('is symmetric, monotone and within [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -40, max: 40, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (x, step) => {
          const p = normalCdf(x);
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
          expect(Math.abs(p + normalCdf(-x) - 1)).toBeLessThan(1e-15);
          expect(normalCdf(x + step)).toBeGreaterThanOrEqual(p);
        },
      ),
    );
  });

  it('joins its two approximations without a step', () => {
    const below = normalCdf(-(3 - 1e-12));
    const above = normalCdf(-3);
    expect(relativeError(below, above)).toBeLessThan(1e-11);
  });

  it('handles the ends of the line and NaN', () => {
    expect(normalCdf(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(normalCdf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
    expect(normalCdf(Number.NaN)).toBeNaN();
  });
});

describe('twoSidedPValue', () => {
  it('is 2 Φ(-|z|), with tiny p-values right to many digits', () => {
    expect(twoSidedPValue(1.96)).toBeCloseTo(0.05, 4);
    expect(twoSidedPValue(-1.96)).toBe(twoSidedPValue(1.96));
    for (const [x, expected] of LOWER_TAIL) {
      expect(relativeError(twoSidedPValue(x), 2 * expected)).toBeLessThan(1e-12);
    }
    // About 1e-10: a difference this clear must still get the right order of magnitude and digits.
    expect(relativeError(twoSidedPValue(6.5), 8.03200116771825e-11)).toBeLessThan(1e-12);
  });

  it('is 1 at z = 0 and 0 at infinity, NaN for NaN', () => {
    expect(twoSidedPValue(0)).toBe(1);
    expect(twoSidedPValue(Number.POSITIVE_INFINITY)).toBe(0);
    expect(twoSidedPValue(Number.NaN)).toBeNaN();
  });
});
