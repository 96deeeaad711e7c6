import { type BackendView } from '../backend-view';

/**
 * A `BackendView` of a healthy, idle, unmeasured backend of weight 1, with `overrides` applied: input for
 * testing a selection strategy without a manager. `effectiveWeight` follows `weight` unless given.
 *
 * @example
 * ```ts
 * const a = backendView({ id: 'a', order: 0 });
 * const b = backendView({ id: 'b', order: 1, activeSessions: 3 });
 * expect(myStrategy.select([a, b], { random: seededRandom(1) })).toBe(a);
 * ```
 */
export function backendView(overrides: Partial<BackendView> & { id: string }): BackendView {
  const weight = overrides.weight ?? 1;
  return {
    type: 'fake',
    weight,
    effectiveWeight: weight,
    activeSessions: 0,
    latency: { count: 0, min: 0, max: 0, mean: 0, p50: 0, p95: 0, p99: 0 },
    errorRate: 0,
    consecutiveFailures: 0,
    status: 'healthy',
    ejected: false,
    order: 0,
    ...overrides,
  };
}
