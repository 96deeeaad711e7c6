/**
 * Pearson's chi-square statistic of observed counts against expected shares (any scale), for tests of
 * weighted choices. Compare it with the critical value for `observed.length - 1` degrees of freedom
 * (0.999 quantile: 13.82 for 2, 16.27 for 3).
 *
 * @example
 * ```ts
 * expect(chiSquare([1010, 1985, 7005], [1, 2, 7])).toBeLessThan(13.82);
 * ```
 */
export function chiSquare(observed: readonly number[], expectedShares: readonly number[]): number {
  const total = observed.reduce((s, n) => s + n, 0);
  const shareSum = expectedShares.reduce((s, n) => s + n, 0);
  return observed.reduce((stat, o, i) => {
    const expected = (total * expectedShares[i]!) / shareSum;
    return stat + (o - expected) ** 2 / expected;
  }, 0);
}
