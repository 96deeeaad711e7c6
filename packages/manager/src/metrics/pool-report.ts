import { type BackendMetrics, type HealthStatus } from '@vth/core';
import { type BackendHealthSnapshot } from '../health/backend-health';
import { type BackendPool } from '../pool/backend-pool';
import { breakerState } from '../pool/circuit-breaker';
import { type PinnedSession } from '../pool/pool-member';
import { type ManagerCounters } from './manager-counters';

/** One backend of the pool as `getMetrics().backends` reports it. */
export interface PoolBackendMetrics {
  id: string;
  type: string;
  group: string;
  weight: number;
  /** The manager's sessions pinned to it. */
  activeSessions: number;
  /** Ejections, consecutive failures, error rate and latency (probes and session starts) over the window. */
  health: BackendHealthSnapshot;
  circuit: 'closed' | 'open' | 'half-open' | 'isolated';
  draining: boolean;
  /** The backend's own metrics; absent while it could not be created. */
  backend?: BackendMetrics;
}

/** `getMetrics()` of a manager: its own figures (as any backend's), plus the pool's. */
export interface ManagerMetrics extends BackendMetrics {
  backends: Record<string, PoolBackendMetrics>;
  /** Backends that failed with sessions on them. */
  failovers: number;
  migrations: { succeeded: number; failed: number };
  ejections: number;
  /** Routing to every backend because too few are in rotation. */
  panic: boolean;
  swaps: { succeeded: number; failed: number; lastDurationMs?: number };
}

/** A backend of the pool as `backends()` lists it. */
export interface PoolBackendSummary {
  id: string;
  type: string;
  /** `main`, or `<experiment>.<variant>` for an experiment's backends. */
  group: string;
  weight: number;
  order: number;
  running: boolean;
  ejected: boolean;
  draining: boolean;
  activeSessions: number;
  status: HealthStatus;
}

/** The backends of the pool at `t`, in pool order. */
export function poolSummary<S extends PinnedSession>(pool: BackendPool<S>, t: number): PoolBackendSummary[] {
  return pool.inOrder().map((m) => ({
    id: m.id,
    type: m.type,
    group: m.group.id,
    weight: m.spec.weight,
    order: m.order,
    running: m.backend !== undefined,
    ejected: m.tracker.ejected,
    draining: m.draining,
    activeSessions: m.sessions.size,
    status: m.backend ? m.tracker.status(t) : 'unhealthy',
  }));
}

/** The manager's metrics at `t`: `own` (its figures as a backend), the counters, and each backend's. */
export function managerMetrics<S extends PinnedSession>(
  own: BackendMetrics,
  counters: ManagerCounters,
  pool: BackendPool<S> | undefined,
  t: number,
): ManagerMetrics {
  const backends: Record<string, PoolBackendMetrics> = {};
  let ejections = 0;
  for (const m of pool?.all() ?? []) {
    const health = m.tracker.snapshot(t);
    ejections += health.ejections;
    backends[m.id] = {
      id: m.id,
      type: m.type,
      group: m.group.id,
      weight: m.spec.weight,
      activeSessions: m.sessions.size,
      health,
      circuit: breakerState(m.breaker),
      draining: m.draining,
      ...(m.backend ? { backend: { ...m.backend.getMetrics(), backendId: m.id } } : {}),
    };
  }
  return {
    ...own,
    backends,
    ...counters.pool(),
    ejections,
    panic: pool ? pool.main.pool.eligible(t).panic : false,
  };
}
