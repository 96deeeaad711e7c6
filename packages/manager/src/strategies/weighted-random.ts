import { type SelectionStrategy } from '../backend-view';
import { drawWeighted } from './weighted-draw';

/**
 * Picks a candidate at random with probability proportional to its `effectiveWeight` (so a backend in slow
 * start gets its growing share). Weight 0 is never picked unless every candidate weighs 0; then the pick
 * is uniform. Randomness comes from `context.random`, so a seeded one makes it reproducible.
 *
 * @example
 * ```ts
 * const strategy = createWeightedRandomStrategy();
 * strategy.select(candidates, { random: Math.random }); // weights 1 and 3: the second 3 times in 4
 * ```
 */
export function createWeightedRandomStrategy(): SelectionStrategy {
  return {
    name: 'weighted-random',
    select: (candidates, context) => drawWeighted(candidates, context.random),
  };
}
