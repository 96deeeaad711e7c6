import { type BackendView, type SelectionStrategy } from '../backend-view';
import { drawWeighted, usableWeight } from './weighted-draw';

/** Sessions per unit of weight: what "least loaded" means when backends differ in size. */
function load(view: BackendView): number {
  const w = usableWeight(view);
  return w === 0 ? Infinity : view.activeSessions / w;
}

/**
 * Power of two choices: draws two distinct candidates (weighted by `effectiveWeight`, via
 * `context.random`) and takes the one with fewer `activeSessions / effectiveWeight`. Comparing two random
 * candidates instead of scanning for the global minimum keeps sessions almost as balanced, and avoids
 * sending a burst of new sessions to the same emptiest backend before its count catches up (the counts the
 * manager sees lag while sessions are being created). With one candidate, it; on a tie, the first drawn.
 *
 * @example
 * ```ts
 * const strategy = createLeastConnectionsStrategy();
 * strategy.select([a, b], context); // weights 1 and 3: sessions settle near 1:3
 * ```
 */
export function createLeastConnectionsStrategy(): SelectionStrategy {
  return {
    name: 'least-connections',
    select: (candidates, context) => {
      if (candidates.length <= 1) return candidates[0];
      const first = drawWeighted(candidates, context.random);
      if (first === undefined) return undefined;
      const second = drawWeighted(candidates, context.random, first);
      if (second === undefined) return first;
      const a = load(first);
      const b = load(second);
      if (a !== b) return b < a ? second : first;
      // Both weigh 0 (every candidate does): fall back to raw session counts.
      return second.activeSessions < first.activeSessions ? second : first;
    },
  };
}
