import { type HealthStatus, type LatencySummary } from '@vth/core';

/**
 * What routing knows about one backend of the pool at a moment: the input of every selection strategy.
 * Figures cover the health window (recent calls), not the backend's whole life.
 */
export interface BackendView {
  /** Its id in the pool: what `select` answers with, by returning this view. */
  readonly id: string;
  /** Its plugin type (`tmux`, `node-pty`, ...). */
  readonly type: string;
  /** Configured weight (> 0). */
  readonly weight: number;
  /** Weight after slow start: ramps from near 0 to `weight` while a recovered backend warms up. */
  readonly effectiveWeight: number;
  /** Sessions pinned to it now. */
  readonly activeSessions: number;
  /** Latency over the window of what measures the backend itself (probes, session starts), in ms; count 0 before the first. */
  readonly latency: LatencySummary;
  /** Failed calls / all calls over the window (0 when none). */
  readonly errorRate: number;
  /** Failed calls and probes since the last success. */
  readonly consecutiveFailures: number;
  /** `degraded` after recent failures; `unhealthy` while ejected (seen only when the pool panics). */
  readonly status: HealthStatus;
  /** Out of rotation (it still serves the sessions pinned to it while it can). */
  readonly ejected: boolean;
  /** Position in the configuration: what primary-fallback follows. */
  readonly order: number;
}

/** Context of one selection (a new session). */
export interface SelectionContext {
  /** A stable key for the caller (the user id, else the session id), for strategies that hash. */
  key?: string;
  /** Uniform in [0, 1); injectable so distributions can be tested. */
  random: () => number;
}

/**
 * Chooses the backend of a new session among candidates (already filtered: healthy and in rotation,
 * unless the pool panics). Returns `undefined` when none fits. Implementations keep their own state
 * (a round-robin position) and must be cheap: they run on every createSession.
 *
 * @example
 * ```ts
 * const fewestSessions: SelectionStrategy = {
 *   name: 'fewest-sessions',
 *   select: (candidates) => [...candidates].sort((a, b) => a.activeSessions - b.activeSessions)[0],
 * };
 * manager.strategies.register('fewest-sessions', () => fewestSessions);
 * ```
 */
export interface SelectionStrategy {
  /** Names it in errors (a strategy that throws is reported as `INTERNAL` on `error`). */
  readonly name: string;
  /**
   * One of `candidates` (never empty). Anything else — `undefined`, another object, a throw — places the
   * session on the first candidate instead.
   */
  select(candidates: readonly BackendView[], context: SelectionContext): BackendView | undefined;
}
