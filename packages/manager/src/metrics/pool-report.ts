import { type BackendMetrics, type HealthStatus } from '@vth/core';
import { type BackendHealthSnapshot } from '../health/backend-health';
import { type BackendPool } from '../pool/backend-pool';
import { breakerState } from '../pool/circuit-breaker';
import { type PinnedSession } from '../pool/pool-member';
import { type ManagerCounters } from './manager-counters';

/** One backend of the pool as `getMetrics().backends` reports it. */
export interface PoolBackendMetrics {
  /** Its id in the pool (the key of `backends`). */
  id: string;
  /** Its plugin type. */
  type: string;
  /** `main`, or `<experiment>.<variant>` for an experiment's backends. */
  group: string;
  /** Its configured weight (slow start not applied). */
  weight: number;
  /** The manager's sessions pinned to it. */
  activeSessions: number;
  /** Ejections, consecutive failures, error rate and latency (probes and session starts) over the window. */
  health: BackendHealthSnapshot;
  /**
   * Its circuit breaker: `open` after `circuitBreaker.consecutiveFailures` infrastructure failures in a
   * row (calls answer `UNAVAILABLE` without reaching it), `half-open` while a trial call may pass.
   */
  circuit: 'closed' | 'open' | 'half-open' | 'isolated';
  /**
   * Takes no new sessions: drained (until `undrain`), being emptied (a removal, a hot swap, a stopped
   * experiment), or a hot swap's replacement not verified yet.
   */
  draining: boolean;
  /** The backend's own metrics; absent while it could not be created. */
  backend?: BackendMetrics;
}

/** `getMetrics()` of a manager: its own figures (as any backend's), plus the pool's. */
export interface ManagerMetrics extends BackendMetrics {
  /** Every backend of the pool (experiments' included), by id. */
  backends: Record<string, PoolBackendMetrics>;
  /**
   * `failover` events so far: bursts of sessions leaving a backend, because it failed or because it was
   * drained, removed or swapped out.
   */
  failovers: number;
  /** Sessions that moved to another backend (`session-migrated`), and those that could not. */
  migrations: { succeeded: number; failed: number };
  /** Ejections of the backends now in the pool, summed over their lives. */
  ejections: number;
  /** Routing to every backend because too few are in rotation. */
  panic: boolean;
  /** Hot swaps that went through and that were rolled back; how long the last one that went through took. */
  swaps: { succeeded: number; failed: number; lastDurationMs?: number };
}

/** A backend of the pool as `backends()` lists it. */
export interface PoolBackendSummary {
  /** Its id in the pool. */
  id: string;
  /** Its plugin type. */
  type: string;
  /** `main`, or `<experiment>.<variant>` for an experiment's backends. */
  group: string;
  /** Its configured weight. */
  weight: number;
  /** Its position in the configuration: what `primary-fallback` follows. */
  order: number;
  /** Its backend is created and initialized; `false` while it could not start (probes retry). */
  running: boolean;
  /** Out of rotation after crossing a health threshold, until probes bring it back. */
  ejected: boolean;
  /** Takes no new sessions: drained, being emptied, or a replacement not verified yet (see `PoolBackendMetrics`). */
  draining: boolean;
  /** The manager's sessions pinned to it now. */
  activeSessions: number;
  /** As the manager judges it: `unhealthy` while ejected or not running, `degraded` after recent failures. */
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
