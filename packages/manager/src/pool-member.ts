import { type ITerminalBackend } from '@vth/core';
import {
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhenResult,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { isInfrastructureFailure } from './failure-kinds';
import { type BackendHealthTracker } from './health/backend-health';
import { type ManagedSession } from './managed-session';
import { type MemberGroup } from './member-group';
import { type BackendSpec } from './manager-config';

/** One backend of the manager's pool and everything the manager keeps about it. */
export interface PoolMember {
  /** Stable but for one case: a hot swap's replacement takes the id of the backend it replaced. */
  id: string;
  readonly type: string;
  /** The main pool or an experiment variant's. */
  readonly group: MemberGroup;
  spec: BackendSpec;
  /** Position in the pool: what primary-fallback follows. */
  order: number;
  /** The running instance; `undefined` while it could not be created (probes keep trying). */
  backend: ITerminalBackend | undefined;
  /** Removes the manager's listeners from `backend`. */
  detach: () => void;
  breaker: CircuitBreakerPolicy;
  tracker: BackendHealthTracker;
  /** Sessions pinned to it. */
  readonly sessions: Set<ManagedSession>;
  /** Its session ids -> the manager's sessions (they differ only after a move picked a new id). */
  readonly byInnerId: Map<string, ManagedSession>;
  /** Takes no new sessions (being drained, removed or swapped out; a replacement not yet verified). */
  draining: boolean;
  /** While draining: where its sessions should go first (a hot swap's replacement). */
  drainTarget: PoolMember | undefined;
  /** While draining: move each session as soon as it is idle (`move`), or let sessions end by themselves. */
  drainMode: 'move' | 'finish';
  /** Why its sessions move while it drains (the `reason` of their `session-migrated` events). */
  drainReason: DrainReason;
  /** A drain, removal or swap in progress: refuses a second one. */
  busy: string | undefined;
  /** Called whenever one of its sessions leaves (drains wait on it). */
  onSessionLeft: (() => void) | undefined;
  /** Removed from the pool: nothing may start on it any more. */
  retired: boolean;
  probeTimer: NodeJS.Timeout | undefined;
  /** The probe running now. */
  probing: Promise<void> | undefined;
  /** The session probes run in, created on the first probe. */
  probeSession: string | undefined;
  /** A replacement instance being created (one at a time). */
  rebuilding: Promise<boolean> | undefined;
  /** When it was last ejected (for the recovery event's duration). */
  ejectedAt: number | undefined;
  /** Last status reported to listeners of `backend-health-changed`. */
  lastStatus: 'healthy' | 'degraded' | 'unhealthy';
}

/** Why a backend is being emptied. */
export type DrainReason = 'drain' | 'backend-removed' | 'hot-swap' | 'experiment-stopped';

/** A circuit breaker that opens after `failures` infrastructure failures in a row. */
export function newBreaker(failures: number, halfOpenAfterMs: number): CircuitBreakerPolicy {
  return circuitBreaker(
    handleWhenResult((r) => {
      const result = r as { ok?: boolean; error?: { code: string } };
      return result.ok === false && result.error !== undefined && isInfrastructureFailure(result.error.code);
    }),
    { halfOpenAfter: halfOpenAfterMs, breaker: new ConsecutiveBreaker(failures) },
  );
}

export function breakerState(breaker: CircuitBreakerPolicy): 'closed' | 'open' | 'half-open' | 'isolated' {
  switch (breaker.state) {
    case CircuitState.Open:
      return 'open';
    case CircuitState.HalfOpen:
      return 'half-open';
    case CircuitState.Isolated:
      return 'isolated';
    default:
      return 'closed';
  }
}
