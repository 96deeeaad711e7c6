import { type HealthStatus } from '@vth/core';
import { type BackendView, type SelectionStrategy } from '../backend-view';
import { bestCandidate } from './best-candidate';

const STATUS_RANK: Record<HealthStatus, number> = { healthy: 0, degraded: 1, unhealthy: 2 };

function healthierFirst(a: BackendView, b: BackendView): number {
  return (
    STATUS_RANK[a.status] - STATUS_RANK[b.status] ||
    a.errorRate - b.errorRate ||
    a.consecutiveFailures - b.consecutiveFailures ||
    a.order - b.order
  );
}

/**
 * Sends new sessions to the healthiest backend: best status (healthy, then degraded, then unhealthy), then
 * lowest error rate over the window, then fewest consecutive failures, then configuration order.
 *
 * @example
 * ```ts
 * const strategy = createHealthBasedStrategy();
 * strategy.select(candidates, context); // healthy at 1 % errors beats degraded at 0 %
 * ```
 */
export function createHealthBasedStrategy(): SelectionStrategy {
  return {
    name: 'health-based',
    select: (candidates) => bestCandidate(candidates, healthierFirst),
  };
}
