import { twoSidedPValue } from './standard-normal';

/** How a variant did against the control on one dimension, or overall. */
export type Verdict = 'better' | 'worse' | 'unknown';

/** The result of `twoProportionTest`: B's failure rate against A's. */
export interface ProportionTest {
  /** A's failures / A's n; 0 when A is empty. */
  rateA: number;
  /** B's failures / B's n; 0 when B is empty. */
  rateB: number;
  /** rateB - rateA: positive when B fails more often. */
  diff: number;
  /** diff in pooled standard errors: positive when B fails more often. */
  z: number;
  /** Two-sided. */
  pValue: number;
}

/**
 * Two-proportion z-test with a pooled standard error: is B's failure rate different from A's? Rates of an
 * empty arm are 0. The p-value is 1 (and z 0) when either n is 0, or when the pooled rate is 0 or 1: with
 * no failures, or nothing but failures, there is no difference to see.
 *
 * @throws RangeError when a count is negative or not finite, or failures exceed their n.
 *
 * @example
 * ```ts
 * twoProportionTest(10, 1000, 41, 1000); // { rateA: 0.01, rateB: 0.041, diff: 0.031, z: 4.40, pValue: 1.1e-5 }
 * ```
 */
export function twoProportionTest(
  failuresA: number,
  nA: number,
  failuresB: number,
  nB: number,
): ProportionTest {
  checkCounts(failuresA, nA, 'A');
  checkCounts(failuresB, nB, 'B');
  const rateA = nA === 0 ? 0 : failuresA / nA;
  const rateB = nB === 0 ? 0 : failuresB / nB;
  const diff = rateB - rateA;
  const pooled = (failuresA + failuresB) / (nA + nB);
  if (nA === 0 || nB === 0 || pooled <= 0 || pooled >= 1) return { rateA, rateB, diff, z: 0, pValue: 1 };
  const z = diff / Math.sqrt(pooled * (1 - pooled) * (1 / nA + 1 / nB));
  return { rateA, rateB, diff, z, pValue: twoSidedPValue(z) };
}

function checkCounts(failures: number, n: number, arm: string): void {
  if (!(Number.isFinite(failures) && Number.isFinite(n) && failures >= 0 && n >= 0 && failures <= n)) {
    throw new RangeError(`arm ${arm}: failures (${failures}) must be between 0 and n (${n})`);
  }
}

/** The result of `mannWhitney`: are B's values shifted against A's? */
export interface RankTest {
  /** Median of A; 0 when A is empty. */
  medianA: number;
  /** Median of B; 0 when B is empty. */
  medianB: number;
  /** medianB - medianA. */
  diff: number;
  /** U of sample B: the number of (a, b) pairs with b > a, a tie counting one half. */
  u: number;
  /** Standardised U: positive when B's values tend to be larger (slower, for latencies). */
  z: number;
  /** Two-sided. */
  pValue: number;
  /**
   * P(a random B value < a random A value) + 0.5 P(tie): B's chance of being faster, the effect size
   * (0.5 when either sample is empty).
   */
  probabilityBFaster: number;
}

/**
 * Mann-Whitney U test (Wilcoxon rank-sum): do B's values tend to be larger or smaller than A's? No
 * assumption about the shape of the distributions, which suits latencies and their long tails. Uses the
 * normal approximation with the tie correction and a continuity correction (good from about 10 values per
 * sample); O(n log n), ranking by sorting. Values that are not finite numbers are left out.
 *
 * The p-value is 1 (and z 0) when a sample is empty or every value ties: there is no order to test.
 *
 * @example
 * ```ts
 * mannWhitney(control.latencySample(), variant.latencySample()); // { pValue: 0.003, probabilityBFaster: 0.62, ... }
 * ```
 */
export function mannWhitney(a: readonly number[], b: readonly number[]): RankTest {
  const sortedA = sortedFinite(a);
  const sortedB = sortedFinite(b);
  const nA = sortedA.length;
  const nB = sortedB.length;
  const medianA = median(sortedA);
  const medianB = median(sortedB);
  const diff = medianB - medianA;
  if (nA === 0 || nB === 0) return { medianA, medianB, diff, u: 0, z: 0, pValue: 1, probabilityBFaster: 0.5 };

  // Walk both sorted samples at once, a run of equal values at a time; the run shares the mean rank.
  let rankSumB = 0;
  let tieTerm = 0;
  let ranked = 0;
  let i = 0;
  let j = 0;
  while (i < nA || j < nB) {
    const value = Math.min(i < nA ? sortedA[i]! : Infinity, j < nB ? sortedB[j]! : Infinity);
    let inA = 0;
    let inB = 0;
    while (i < nA && sortedA[i] === value) {
      i++;
      inA++;
    }
    while (j < nB && sortedB[j] === value) {
      j++;
      inB++;
    }
    const run = inA + inB;
    rankSumB += inB * (ranked + (run + 1) / 2);
    tieTerm += run ** 3 - run;
    ranked += run;
  }

  const pairs = nA * nB;
  const u = rankSumB - (nB * (nB + 1)) / 2;
  const probabilityBFaster = 1 - u / pairs;
  const total = nA + nB;
  const variance = (pairs / 12) * (total + 1 - tieTerm / (total * (total - 1)));
  if (!(variance > 0)) return { medianA, medianB, diff, u, z: 0, pValue: 1, probabilityBFaster };
  const distance = u - pairs / 2;
  const z = (Math.sign(distance) * Math.max(0, Math.abs(distance) - 0.5)) / Math.sqrt(variance);
  return { medianA, medianB, diff, u, z, pValue: twoSidedPValue(z), probabilityBFaster };
}

function sortedFinite(values: readonly number[]): Float64Array {
  // A Float64Array sorts numerically, without a comparator call per pair.
  return Float64Array.from(values.filter(Number.isFinite)).sort();
}

function median(sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** What is known about one arm of an experiment (see `VariantStats`). */
export interface ArmData {
  /** The variant's name; `compareExperiment` skips variants named like the control. */
  name: string;
  /** Commands finished, ok or failed (`VariantStatsSnapshot.commands`). */
  commands: number;
  /** Of those, the failed ones (`VariantStatsSnapshot.errors`); at most `commands`. */
  errors: number;
  /** A sample of the latencies of successful commands (`VariantStats.latencySample()`). */
  latencies: readonly number[];
}

/** A variant against the control, per dimension and overall. */
export interface VariantComparison {
  /** The variant compared. */
  variant: string;
  /** The variant it is compared with. */
  control: string;
  /** Error rates (control as A, variant as B); `better` when the variant fails less often. */
  errorRate: ProportionTest & { verdict: Verdict };
  /** Latencies of successful commands (control as A); `better` when the variant's are lower. */
  latency: RankTest & { verdict: Verdict };
  /** 'worse' if either dimension is worse, else 'better' if either is better, else 'unknown'. */
  verdict: Verdict;
  /**
   * One sentence a person can act on, e.g. 'b is worse than a: error rate 4.1% vs 1.0% (p = 0.0003)' or
   * 'not yet known: b has 12 of the 30 commands needed'.
   */
  summary: string;
}

/** How sure a comparison must be before it gives a verdict. */
export interface CompareOptions {
  /** Significance level; default 0.05. */
  alpha?: number;
  /** Commands (and, for latency, latency samples) each arm needs before a verdict; default 30. */
  minCommands?: number;
}

const DEFAULT_ALPHA = 0.05;
const DEFAULT_MIN_COMMANDS = 30;

/**
 * A variant against the control: a lower error rate or a lower latency is better. Each dimension stays
 * 'unknown' until both arms have `minCommands` commands (latency: `minCommands` latency samples) and
 * p < alpha; the direction of a latency verdict follows the rank test (z), not the medians, which can be
 * equal when the distributions differ.
 *
 * @throws RangeError when alpha is not in (0, 1), minCommands is negative, or an arm's counts are impossible.
 *
 * @example
 * ```ts
 * const control = { name: 'a', commands: 2000, errors: 20, latencies: a.latencySample() };
 * const variant = { name: 'b', commands: 2000, errors: 82, latencies: b.latencySample() };
 * compareVariant(control, variant).summary; // 'b is worse than a: error rate 4.1% vs 1.0% (p < 0.0001)'
 * ```
 */
export function compareVariant(
  control: ArmData,
  variant: ArmData,
  options: CompareOptions = {},
): VariantComparison {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const minCommands = options.minCommands ?? DEFAULT_MIN_COMMANDS;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be between 0 and 1, got ${alpha}`);
  if (!(minCommands >= 0) || !Number.isFinite(minCommands)) {
    throw new RangeError(`minCommands must be a non-negative number, got ${minCommands}`);
  }

  const proportions = twoProportionTest(control.errors, control.commands, variant.errors, variant.commands);
  const ranks = mannWhitney(control.latencies, variant.latencies);
  const enoughCommands = control.commands >= minCommands && variant.commands >= minCommands;
  const enoughLatencies = control.latencies.length >= minCommands && variant.latencies.length >= minCommands;
  const errorRate = {
    ...proportions,
    verdict: decide(enoughCommands, proportions.pValue, alpha, proportions.diff),
  };
  const latency = { ...ranks, verdict: decide(enoughLatencies, ranks.pValue, alpha, ranks.z) };
  const verdict: Verdict = [errorRate.verdict, latency.verdict].includes('worse')
    ? 'worse'
    : [errorRate.verdict, latency.verdict].includes('better')
      ? 'better'
      : 'unknown';

  const summary = summarise(control, variant, verdict, minCommands, [
    { name: 'error rate', verdict: errorRate.verdict, enough: enoughCommands, text: errorText(errorRate) },
    { name: 'median latency', verdict: latency.verdict, enough: enoughLatencies, text: latencyText(latency) },
  ]);
  return { variant: variant.name, control: control.name, errorRate, latency, verdict, summary };
}

/**
 * Every other variant against the control, with alpha divided by the number of comparisons (Bonferroni):
 * with several variants, one of them looking different by chance becomes likely otherwise. Variants named
 * like the control are skipped, so the full list of arms can be passed.
 *
 * @example
 * ```ts
 * compareExperiment(arms[0], arms.slice(1)).filter((c) => c.verdict === 'worse'); // variants to roll back
 * ```
 */
export function compareExperiment(
  control: ArmData,
  variants: readonly ArmData[],
  options: CompareOptions = {},
): VariantComparison[] {
  const others = variants.filter((variant) => variant.name !== control.name);
  const alpha = (options.alpha ?? DEFAULT_ALPHA) / Math.max(1, others.length);
  return others.map((variant) => compareVariant(control, variant, { ...options, alpha }));
}

/** `direction` is positive when the variant is higher (more errors, slower), which is worse. */
function decide(enough: boolean, pValue: number, alpha: number, direction: number): Verdict {
  if (!enough || !(pValue < alpha) || direction === 0) return 'unknown';
  return direction > 0 ? 'worse' : 'better';
}

/** One dimension of a comparison, as the summary tells it. */
interface Dimension {
  name: string;
  verdict: Verdict;
  /** Whether both arms had enough data for a verdict. */
  enough: boolean;
  /** Variant against control, and the p-value: '4.1% vs 1.0% (p = 0.0003)'. */
  text: string;
}

/**
 * The sentence for a person: what was decided and on which numbers, or what is still missing. The
 * error-rate dimension comes first, and its shortfall (commands) is told before the latency one.
 */
function summarise(
  control: ArmData,
  variant: ArmData,
  verdict: Verdict,
  minCommands: number,
  dimensions: readonly [errors: Dimension, latency: Dimension],
): string {
  const [errors, latency] = dimensions;
  if (verdict !== 'unknown') {
    const opposite = verdict === 'worse' ? 'better' : 'worse';
    const decided = dimensions.filter((d) => d.verdict === verdict).map((d) => `${d.name} ${d.text}`);
    const against = dimensions
      .filter((d) => d.verdict === opposite)
      .map((d) => `its ${d.name} is ${opposite}: ${d.text}`);
    const head = `${variant.name} is ${verdict} than ${control.name}: ${decided.join(' and ')}`;
    return against.length > 0 ? `${head}, though ${against.join(' and ')}` : head;
  }
  if (errors.enough && latency.enough) {
    const parts = dimensions.map((d) => `${d.name} ${d.text}`);
    return `no clear difference between ${variant.name} and ${control.name} yet: ${parts.join(', ')}`;
  }
  const needs = errors.enough
    ? shortfall([control, variant], (arm) => arm.latencies.length, minCommands, 'latency samples')
    : shortfall([control, variant], (arm) => arm.commands, minCommands, 'commands');
  const soFar = dimensions.filter((d) => d.enough).map((d) => `${d.name} ${d.text}`);
  return `not yet known: ${needs}${soFar.length > 0 ? `; so far ${soFar.join(', ')}` : ''}`;
}

function shortfall(arms: ArmData[], count: (arm: ArmData) => number, needed: number, what: string): string {
  const short = arms.filter((arm) => count(arm) < needed).map((arm) => `${arm.name} has ${count(arm)}`);
  return `${short.join(' and ')} of the ${needed} ${what} needed`;
}

function errorText(test: ProportionTest): string {
  return `${percent(test.rateB)} vs ${percent(test.rateA)} (${formatP(test.pValue)})`;
}

function latencyText(test: RankTest): string {
  return `${milliseconds(test.medianB)} vs ${milliseconds(test.medianA)} (${formatP(test.pValue)})`;
}

function percent(rate: number): string {
  // Small rates keep two significant digits: 0.04% and 0.4% must not both read 0.0%.
  const value = rate * 100;
  return `${value > 0 && value < 1 ? Number(value.toPrecision(2)) : value.toFixed(1)}%`;
}

function milliseconds(ms: number): string {
  return `${Number(ms.toPrecision(3))} ms`;
}

function formatP(p: number): string {
  return p < 0.0001 ? 'p < 0.0001' : `p = ${Number(p.toPrecision(2))}`;
}
