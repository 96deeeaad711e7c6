import { type SelectionStrategy } from '../backend-view';
import { byOrder } from './best-candidate';

/**
 * Takes the candidates in turn, in configuration order. A counter rather than "the one after the last
 * pick" keeps it correct when the candidate list changes between calls (a backend ejected or recovered):
 * the next pick is `sorted[counter % length]`, so the rotation is exact while the set is stable and picks
 * up again at once when it changes. Each instance has its own counter.
 *
 * @example
 * ```ts
 * const strategy = createRoundRobinStrategy();
 * strategy.select([a, b, c], context); // a, then b, then c, then a ...
 * ```
 */
export function createRoundRobinStrategy(): SelectionStrategy {
  let counter = 0;
  return {
    name: 'round-robin',
    select: (candidates) => {
      if (candidates.length === 0) return undefined;
      const sorted = [...candidates].sort(byOrder);
      const pick = sorted[counter % sorted.length];
      // Wrapping keeps the counter an exact integer however long the process lives.
      counter = counter >= Number.MAX_SAFE_INTEGER ? 0 : counter + 1;
      return pick;
    },
  };
}
