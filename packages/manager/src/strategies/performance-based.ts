import { type BackendView, type SelectionStrategy } from '../backend-view';
import { bestCandidate } from './best-candidate';

function measured(view: BackendView): boolean {
  return view.latency.count > 0;
}

function fasterFirst(a: BackendView, b: BackendView): number {
  // Unmeasured backends come first: a backend never tried would otherwise never get the traffic that
  // measures it (a newly added or just recovered one).
  if (measured(a) !== measured(b)) return measured(a) ? 1 : -1;
  if (measured(a) && a.latency.p50 !== b.latency.p50) return a.latency.p50 - b.latency.p50;
  return a.order - b.order;
}

/**
 * Sends new sessions to the backend with the lowest median latency over the health window (in a
 * `BackendManager`: its probes and session starts, which measure the backend rather than the commands).
 * Backends with no measurement yet (`latency.count` 0) are preferred so they get measured; ties go to
 * configuration order.
 *
 * @example
 * ```ts
 * const strategy = createPerformanceBasedStrategy();
 * strategy.select(candidates, context); // p50 12 ms beats p50 40 ms
 * ```
 */
export function createPerformanceBasedStrategy(): SelectionStrategy {
  return {
    name: 'performance-based',
    select: (candidates) => bestCandidate(candidates, fasterFirst),
  };
}
