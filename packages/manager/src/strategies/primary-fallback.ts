import { type SelectionStrategy } from '../backend-view';
import { bestCandidate, byOrder } from './best-candidate';

/**
 * Every new session goes to the first configured backend that is in rotation; the others take over, in
 * configuration order, only while it is out.
 *
 * @example
 * ```ts
 * const strategy = createPrimaryFallbackStrategy();
 * strategy.select(candidates, { random: Math.random }); // the candidate with the lowest `order`
 * ```
 */
export function createPrimaryFallbackStrategy(): SelectionStrategy {
  return {
    name: 'primary-fallback',
    select: (candidates) => bestCandidate(candidates, byOrder),
  };
}
