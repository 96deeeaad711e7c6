import fc from 'fast-check';
import { seededRandom } from '../testing/seeded-random';
import { type ArmData, compareExperiment, compareVariant, mannWhitney, twoProportionTest } from './compare';

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}

/** Exponential latencies around `scale` ms on top of a 5 ms floor, like a real command's. */
function latencies(count: number, scale: number, random: () => number): number[] {
  return Array.from({ length: count }, () => 5 + scale * -Math.log(1 - random()));
}

function arm(name: string, commands: number, errors: number, sample: readonly number[] = []): ArmData {
  return { name, commands, errors, latencies: sample };
}

describe('twoProportionTest', () => {
  it('matches a hand calculation: 20 of 200 against 35 of 200', () => {
    // Pooled rate 55/400 = 0.1375; SE = sqrt(0.1375 * 0.8625 * (1/200 + 1/200)) = 0.034437;
    // z = 0.075 / 0.034437 = 2.1779; two-sided p = 0.02942.
    const test = twoProportionTest(20, 200, 35, 200);
    expect(test.rateA).toBe(0.1);
    expect(test.rateB).toBe(0.175);
    expect(test.diff).toBeCloseTo(0.075, 12);
    expect(test.z).toBeCloseTo(2.177862, 5);
    expect(test.pValue).toBeCloseTo(0.029416, 5);
  });

  it('gets small p-values right (10 of 1000 against 41 of 1000; scipy: 1.09608e-5)', () => {
    const test = twoProportionTest(10, 1000, 41, 1000);
    expect(test.z).toBeCloseTo(4.397296, 5);
    expect(relativeError(test.pValue, 1.096079068147803e-5)).toBeLessThan(1e-9);
  });

  it('is antisymmetric in its arms', () => {
    fc.assert(
      fc.property(fc.nat(500), fc.nat(500), fc.nat(500), fc.nat(500), (f1, extra1, f2, extra2) => {
        const forward = twoProportionTest(f1, f1 + extra1, f2, f2 + extra2);
        const backward = twoProportionTest(f2, f2 + extra2, f1, f1 + extra1);
        expect(backward.diff).toBeCloseTo(-forward.diff, 12);
        expect(backward.z).toBeCloseTo(-forward.z, 9);
        expect(backward.pValue).toBeCloseTo(forward.pValue, 12);
        expect(forward.pValue).toBeGreaterThan(0);
        expect(forward.pValue).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('reports p = 1 when there is nothing to compare', () => {
    expect(twoProportionTest(0, 0, 5, 10)).toEqual({ rateA: 0, rateB: 0.5, diff: 0.5, z: 0, pValue: 1 });
    expect(twoProportionTest(5, 10, 0, 0)).toMatchObject({ rateB: 0, z: 0, pValue: 1 });
    expect(twoProportionTest(0, 100, 0, 100)).toMatchObject({ diff: 0, z: 0, pValue: 1 });
    expect(twoProportionTest(100, 100, 50, 50)).toMatchObject({ rateA: 1, rateB: 1, z: 0, pValue: 1 });
  });

  it('refuses counts that cannot be', () => {
    expect(() => twoProportionTest(11, 10, 0, 10)).toThrow(RangeError);
    expect(() => twoProportionTest(-1, 10, 0, 10)).toThrow(RangeError);
    expect(() => twoProportionTest(0, 10, Number.NaN, 10)).toThrow(RangeError);
    expect(() => twoProportionTest(0, 10, 0, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('mannWhitney', () => {
  it('matches a small textbook example (U = 17 and 3; scipy p = 0.111347)', () => {
    const test = mannWhitney([19, 22, 16, 29, 24], [20, 11, 17, 12]);
    // Pairs with b > a: 20 > 19, 20 > 16, 17 > 16: U_B = 3, so U_A = 5 * 4 - 3 = 17.
    expect(test.u).toBe(3);
    expect(test.probabilityBFaster).toBeCloseTo(17 / 20, 12);
    expect(test.medianA).toBe(22);
    expect(test.medianB).toBe(14.5);
    expect(test.diff).toBe(-7.5);
    expect(test.z).toBeLessThan(0);
    expect(test.pValue).toBeCloseTo(0.11134688653314041, 10);
  });

  it('corrects for ties (scipy: U = 110, p = 0.080342)', () => {
    const a = [1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 5, 5];
    const b = [2, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6, 7];
    const test = mannWhitney(a, b);
    expect(test.u).toBe(110);
    expect(test.pValue).toBeCloseTo(0.08034200071557053, 10);
    expect(test.z).toBeGreaterThan(0);
  });

  it('gets small p-values right (0..199 against 40..239; scipy: 4.74792e-10)', () => {
    const a = Array.from({ length: 200 }, (_, i) => i);
    const test = mannWhitney(
      a,
      a.map((v) => v + 40),
    );
    expect(test.u).toBe(27_200);
    expect(relativeError(test.pValue, 4.747918025698334e-10)).toBeLessThan(1e-8);
  });

  it('counts U and the chance of B being faster like a pair-by-pair count would', () => {
    const sample = fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        let bLarger = 0;
        let bSmaller = 0;
        for (const x of a) {
          for (const y of b) {
            if (y > x) bLarger += 1;
            else if (y < x) bSmaller += 1;
            else {
              bLarger += 0.5;
              bSmaller += 0.5;
            }
          }
        }
        const test = mannWhitney(a, b);
        expect(test.u).toBe(bLarger);
        expect(test.probabilityBFaster).toBeCloseTo(bSmaller / (a.length * b.length), 12);
        const swapped = mannWhitney(b, a);
        expect(swapped.pValue).toBeCloseTo(test.pValue, 12);
        expect(swapped.z).toBeCloseTo(-test.z, 12);
      }),
    );
  });

  it('gives p = 1 for identical samples, a tie everywhere, or an empty sample', () => {
    const random = seededRandom(5);
    const sample = latencies(500, 20, random);
    expect(mannWhitney(sample, [...sample].reverse())).toMatchObject({
      z: 0,
      pValue: 1,
      probabilityBFaster: 0.5,
    });
    expect(mannWhitney([3, 3, 3], [3, 3])).toMatchObject({
      z: 0,
      pValue: 1,
      probabilityBFaster: 0.5,
      diff: 0,
    });
    expect(mannWhitney([], [1, 2, 3])).toEqual({
      medianA: 0,
      medianB: 2,
      diff: 2,
      u: 0,
      z: 0,
      pValue: 1,
      probabilityBFaster: 0.5,
    });
    expect(mannWhitney([1, 2], [])).toMatchObject({ medianA: 1.5, medianB: 0, pValue: 1 });
  });

  it('sees a 50 % slowdown clearly, and in the right direction', () => {
    const random = seededRandom(11);
    const base = latencies(1000, 20, random);
    const slower = latencies(1000, 20, random).map((ms) => ms * 1.5);
    const test = mannWhitney(base, slower);
    expect(test.pValue).toBeLessThan(1e-6);
    expect(test.z).toBeGreaterThan(0);
    expect(test.probabilityBFaster).toBeLessThan(0.4);
    expect(test.diff).toBeGreaterThan(0);
  });

  it('leaves out values that are not finite numbers, and does not reorder its inputs', () => {
    const a = [3, Number.NaN, 1, 2];
    const b = [Number.POSITIVE_INFINITY, 5, 4];
    expect(mannWhitney(a, b)).toEqual(mannWhitney([1, 2, 3], [4, 5]));
    expect(a[0]).toBe(3);
    expect(b[0]).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('compareVariant', () => {
  const random = seededRandom(42);
  const controlLatencies = latencies(400, 20, random);
  const sameLatencies = latencies(400, 20, random);

  it('finds no difference between identical arms', () => {
    const control = arm('a', 500, 10, controlLatencies);
    const comparison = compareVariant(control, { ...control, name: 'b' });
    expect(comparison.errorRate).toMatchObject({ pValue: 1, verdict: 'unknown' });
    expect(comparison.latency).toMatchObject({ pValue: 1, verdict: 'unknown' });
    expect(comparison.verdict).toBe('unknown');
    expect(comparison.summary).toBe(
      'no clear difference between b and a yet: error rate 2.0% vs 2.0% (p = 1), median latency ' +
        `${Number(comparison.latency.medianB.toPrecision(3))} ms vs ` +
        `${Number(comparison.latency.medianA.toPrecision(3))} ms (p = 1)`,
    );
  });

  it('calls a clearly higher error rate worse, and a clearly lower one better', () => {
    const control = arm('a', 2000, 20, controlLatencies);
    const worse = compareVariant(control, arm('b', 2000, 200, sameLatencies));
    expect(worse.errorRate.verdict).toBe('worse');
    expect(worse.latency.verdict).toBe('unknown');
    expect(worse.verdict).toBe('worse');
    expect(worse.summary).toBe('b is worse than a: error rate 10.0% vs 1.0% (p < 0.0001)');

    const better = compareVariant(arm('a', 2000, 200, controlLatencies), arm('b', 2000, 20, sameLatencies));
    expect(better.verdict).toBe('better');
    expect(better.summary).toBe('b is better than a: error rate 1.0% vs 10.0% (p < 0.0001)');
  });

  it('calls latencies 50 % higher worse, and 50 % lower better', () => {
    const control = arm('a', 400, 0, controlLatencies);
    const slower = compareVariant(
      control,
      arm(
        'b',
        400,
        0,
        sameLatencies.map((ms) => ms * 1.5),
      ),
    );
    expect(slower.latency.verdict).toBe('worse');
    expect(slower.errorRate.verdict).toBe('unknown');
    expect(slower.verdict).toBe('worse');
    expect(slower.summary).toMatch(
      /^b is worse than a: median latency [\d.]+ ms vs [\d.]+ ms \(p < 0\.0001\)$/,
    );

    const faster = compareVariant(
      control,
      arm(
        'b',
        400,
        0,
        sameLatencies.map((ms) => ms / 1.5),
      ),
    );
    expect(faster.latency.verdict).toBe('better');
    expect(faster.verdict).toBe('better');
  });

  it('takes the latency direction from the ranks, not the medians', () => {
    // Same median (10 ms), but a good half of b's commands take 30 ms where a's take 20.
    const a = [...Array<number>(60).fill(10), ...Array<number>(40).fill(20)];
    const b = [...Array<number>(51).fill(10), ...Array<number>(49).fill(30)];
    const comparison = compareVariant(arm('a', 100, 0, a), arm('b', 100, 0, b));
    expect(comparison.latency.diff).toBe(0);
    expect(comparison.latency.verdict).toBe('worse');
  });

  it('says worse when one dimension is worse and the other better, and mentions both', () => {
    const comparison = compareVariant(
      arm('a', 2000, 20, controlLatencies),
      arm(
        'b',
        2000,
        200,
        sameLatencies.map((ms) => ms / 2),
      ),
    );
    expect(comparison.errorRate.verdict).toBe('worse');
    expect(comparison.latency.verdict).toBe('better');
    expect(comparison.verdict).toBe('worse');
    expect(comparison.summary).toMatch(
      /^b is worse than a: error rate 10\.0% vs 1\.0% \(p < 0\.0001\), though its median latency is better: /,
    );
  });

  it('waits for enough commands in both arms and says how many are needed', () => {
    const control = arm('a', 2000, 20, controlLatencies);
    const young = compareVariant(control, arm('b', 12, 12, sameLatencies.slice(0, 12)));
    expect(young.errorRate.pValue).toBeLessThan(0.05);
    expect(young.errorRate.verdict).toBe('unknown');
    expect(young.latency.verdict).toBe('unknown');
    expect(young.verdict).toBe('unknown');
    expect(young.summary).toBe('not yet known: b has 12 of the 30 commands needed');

    const both = compareVariant(arm('a', 5, 0), arm('b', 12, 0));
    expect(both.summary).toBe('not yet known: a has 5 and b has 12 of the 30 commands needed');

    const custom = compareVariant(arm('a', 50, 0), arm('b', 50, 0), { minCommands: 100 });
    expect(custom.summary).toBe('not yet known: a has 50 and b has 50 of the 100 commands needed');
  });

  it('waits for enough latency samples, and reports the error rate so far', () => {
    const comparison = compareVariant(
      arm('a', 400, 4, controlLatencies),
      arm('b', 400, 390, sameLatencies.slice(0, 10)),
    );
    expect(comparison.errorRate.verdict).toBe('worse');
    expect(comparison.latency.verdict).toBe('unknown');

    const pending = compareVariant(
      arm('a', 400, 4, controlLatencies),
      arm('b', 400, 5, sameLatencies.slice(0, 10)),
    );
    expect(pending.verdict).toBe('unknown');
    expect(pending.summary).toMatch(
      /^not yet known: b has 10 of the 30 latency samples needed; so far error rate 1\.3% vs 1\.0% \(p = 0\.\d+\)$/,
    );
  });

  it('follows alpha', () => {
    // p = 0.029: significant at 0.05, not at 0.01.
    const control = arm('a', 200, 20, controlLatencies);
    const variant = arm('b', 200, 35, controlLatencies);
    expect(compareVariant(control, variant).errorRate.verdict).toBe('worse');
    expect(compareVariant(control, variant, { alpha: 0.01 }).errorRate.verdict).toBe('unknown');
  });

  it('formats small rates with two significant digits', () => {
    const comparison = compareVariant(arm('a', 100_000, 40), arm('b', 100_000, 400));
    expect(comparison.summary).toMatch(/error rate 0\.4% vs 0\.04% \(p < 0\.0001\)/);
  });

  it('refuses options and counts that cannot work', () => {
    const a = arm('a', 100, 1);
    expect(() => compareVariant(a, a, { alpha: 0 })).toThrow(RangeError);
    expect(() => compareVariant(a, a, { alpha: 1 })).toThrow(RangeError);
    expect(() => compareVariant(a, a, { alpha: Number.NaN })).toThrow(RangeError);
    expect(() => compareVariant(a, a, { minCommands: -1 })).toThrow(RangeError);
    expect(() => compareVariant(a, arm('b', 10, 11))).toThrow(RangeError);
  });

  it('raises a false alarm at about rate alpha when the arms do not differ', () => {
    const noise = seededRandom(7);
    const alpha = 0.05;
    const repetitions = 400;
    let errorAlarms = 0;
    let latencyAlarms = 0;
    const draw = (name: string): ArmData => {
      let errors = 0;
      for (let i = 0; i < 500; i++) if (noise() < 0.05) errors++;
      return arm(name, 500, errors, latencies(100, 20, noise));
    };
    for (let r = 0; r < repetitions; r++) {
      const comparison = compareVariant(draw('a'), draw('b'), { alpha });
      if (comparison.errorRate.verdict !== 'unknown') errorAlarms++;
      if (comparison.latency.verdict !== 'unknown') latencyAlarms++;
    }
    // Expected 20 of 400 each (sd 4.4): below 2 alpha, and not so rare that the test never fires.
    for (const alarms of [errorAlarms, latencyAlarms]) {
      expect(alarms / repetitions).toBeLessThan(2 * alpha);
      expect(alarms / repetitions).toBeGreaterThan(alpha / 4);
    }
  });
});

describe('compareExperiment', () => {
  const control = arm('a', 200, 20);
  // 35 of 200 against 20 of 200: p = 0.029.
  const borderline = (name: string): ArmData => arm(name, 200, 35);

  it('compares every other variant against the control, in order, skipping the control itself', () => {
    const comparisons = compareExperiment(control, [control, borderline('b'), arm('c', 200, 20)]);
    expect(comparisons.map((c) => [c.control, c.variant])).toEqual([
      ['a', 'b'],
      ['a', 'c'],
    ]);
  });

  it('divides alpha among the comparisons (Bonferroni): a borderline p stops counting with 3 variants', () => {
    expect(compareExperiment(control, [borderline('b')])[0]!.verdict).toBe('worse');
    const three = compareExperiment(control, [borderline('b'), borderline('c'), borderline('d')]);
    expect(three.map((c) => c.verdict)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(three[0]!.errorRate.pValue).toBeCloseTo(0.0294, 4);
    // The same data is significant at 0.05 / 3 only when alpha itself is raised.
    expect(
      compareExperiment(control, [borderline('b'), borderline('c'), borderline('d')], { alpha: 0.09 })[0]!
        .verdict,
    ).toBe('worse');
  });

  it('passes minCommands on, and returns nothing for no variants', () => {
    expect(compareExperiment(control, [borderline('b')], { minCommands: 1000 })[0]!.verdict).toBe('unknown');
    expect(compareExperiment(control, [])).toEqual([]);
  });
});
