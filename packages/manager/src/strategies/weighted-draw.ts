import { type BackendView } from '../backend-view';

/** Negative, NaN and infinite weights count as 0: one malformed view must not win (or poison) every draw. */
export function usableWeight(view: BackendView): number {
  const w = view.effectiveWeight;
  return Number.isFinite(w) && w > 0 ? w : 0;
}

/**
 * Draws one candidate with probability proportional to its `effectiveWeight`, using one call of `random`.
 * A candidate of weight 0 is never drawn unless every candidate weighs 0; then the draw is uniform.
 * `exclude` leaves one candidate out (the second draw of power-of-two-choices).
 *
 * @example
 * ```ts
 * const view = drawWeighted(candidates, context.random);
 * ```
 */
export function drawWeighted(
  candidates: readonly BackendView[],
  random: () => number,
  exclude?: BackendView,
): BackendView | undefined {
  let total = 0;
  for (const c of candidates) if (c !== exclude) total += usableWeight(c);
  const r = random();
  if (total === 0) {
    const pool = exclude === undefined ? candidates : candidates.filter((c) => c !== exclude);
    // Clamped: an injected random that returns 1 must not index past the end.
    return pool[Math.min(pool.length - 1, Math.floor(r * pool.length))];
  }
  let remaining = r * total;
  let last: BackendView | undefined;
  for (const c of candidates) {
    const w = c === exclude ? 0 : usableWeight(c);
    if (w === 0) continue;
    if (remaining < w) return c;
    remaining -= w;
    last = c;
  }
  // Floating-point sums can leave `remaining` a hair above the last weight: that draw belongs to the last.
  return last;
}
