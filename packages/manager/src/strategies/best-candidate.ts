import { type BackendView } from '../backend-view';

/**
 * The candidate that sorts first under `compare`, in one pass: strategies run on every createSession, and a
 * scan neither copies nor sorts the list.
 *
 * @example
 * ```ts
 * const primary = bestCandidate(candidates, (a, b) => a.order - b.order);
 * ```
 */
export function bestCandidate(
  candidates: readonly BackendView[],
  compare: (a: BackendView, b: BackendView) => number,
): BackendView | undefined {
  let best: BackendView | undefined;
  for (const candidate of candidates) {
    if (best === undefined || compare(candidate, best) < 0) best = candidate;
  }
  return best;
}

/** Configuration order: the tie-breaker of every strategy, so equal candidates always resolve the same way. */
export function byOrder(a: BackendView, b: BackendView): number {
  return a.order - b.order;
}
