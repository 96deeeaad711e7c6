import { type BackendError, type BackendEventMap, type BackendHealth } from '@vth/core';
import { type ExperimentReport } from './experiments/experiment-set';

/** What a drain did (`drain()`'s result and the `backend-drained` event). */
export interface DrainReport {
  /** The backend drained; still in the pool, out of rotation until `undrain`. */
  backendId: string;
  /** Sessions that moved to another backend. */
  moved: number;
  /** Sessions that ended by themselves meanwhile. */
  ended: number;
  /** Sessions still busy at the deadline, moved anyway (their running command was ended). */
  forced: number;
  /** Sessions that could not be re-created anywhere. */
  lost: number;
  /** From the call until no session was left on it, ms. */
  durationMs: number;
}

/** What a hot swap did (`hotSwap()`'s result and the `backend-swapped` event). */
export interface HotSwapReport {
  /** The backend replaced (shut down now); the replacement took this id unless `spec.id` named another. */
  backendId: string;
  /** The replacement's id now (the old id unless `spec.id` named another). */
  replacement: string;
  /** From the call to the old backend shut down. */
  durationMs: number;
  /** Sessions that moved, to the replacement first (see {@link DrainReport}: the old backend was drained). */
  moved: number;
  /** Sessions that ended by themselves during the drain. */
  ended: number;
  /** Sessions still busy at `drainTimeoutMs`, moved anyway (their running command was ended). */
  forced: number;
  /** Sessions that could not be re-created anywhere. */
  lost: number;
}

/** A backend left rotation: it gets no new sessions, and keeps serving those pinned to it while it can. */
export interface BackendEjectedEvent {
  /** The backend ejected. */
  backendId: string;
  /** What crossed a threshold, in words: `5 failures in a row`, `error rate 62% over 60 s`, ... */
  reason: string;
  /** How long it stays out before probes may bring it back, ms. */
  ejectionMs: number;
  /** How many times it has been ejected so far (this one included). */
  ejections: number;
}

/** An ejected backend passed `health.recoveryProbes` probes in a row and is back in rotation. */
export interface BackendRecoveredEvent {
  /** The backend back in rotation. */
  backendId: string;
  /** How long it was out of rotation, ms. */
  outMs: number;
}

/**
 * One backend's health status changed, as the manager judges it (ejections, recent failures) or as the
 * backend reports it itself (its own `health-changed`).
 */
export interface BackendHealthChangedEvent {
  /** The backend whose status changed. */
  backendId: string;
  /** Its status before. */
  previous: BackendHealth['status'];
  /** Its health now; the manager's judgement carries the backend's `BackendHealthSnapshot` in `details`. */
  current: BackendHealth;
}

/**
 * Sessions are leaving a backend at once: it failed (a crashed shell, an open circuit) or lets them go (a
 * drain, a removal, a hot swap, a stopped experiment). One event per backend and burst (the same tick).
 * Each session then ends in `session-migrated`, or in `session-migration-failed` and `session-closed`.
 */
export interface FailoverEvent {
  /** The backend the sessions leave. */
  from: string;
  /** Why the first of them left it, in words (`its shell on tmux crashed`, `backend tmux is draining`). */
  reason: string;
  /** The manager's ids of the sessions leaving it. */
  sessions: string[];
  /** When, ms since the epoch. */
  at: number;
}

/** A session now lives on another backend, under the same id, with its cwd and environment carried over. */
export interface SessionMigratedEvent {
  /** The manager's session id, unchanged by the move. */
  sessionId: string;
  /** The backend it left. */
  from: string;
  /** The backend it lives on now. */
  to: string;
  /** The working directory the new shell started in (`undefined`: the backend's default). */
  cwd?: string;
  /** Environment variables (or `source` commands) whose effect could not be carried over. */
  untracked: string[];
  /** From the moment the old session was known dead to the new one being ready, ms. */
  durationMs: number;
  /** Why: `crashed`, `backend-removed`, `drain`, ... */
  reason: string;
}

/**
 * No backend could take a leaving session: it ended (`session-closed` follows, reason `crashed`), and
 * later calls on it answer this `error` (for the most recently lost sessions; older ones are simply not
 * found).
 */
export interface SessionMigrationFailedEvent {
  /** The manager's session id. */
  sessionId: string;
  /** The backend it left. */
  from: string;
  /** `SESSION_NOT_FOUND`, `dispatched: false`, saying why; the last attempt's error in `details.cause`. */
  error: BackendError;
}

/** `addBackend` put a backend in rotation (started and in the pool). */
export interface BackendAddedEvent {
  /** Its id in the pool. */
  backendId: string;
  /** Its plugin type. */
  type: string;
}

/** `removeBackend` drained a backend and shut it down; it is no longer in the pool. */
export interface BackendRemovedEvent {
  /** The id it had. */
  backendId: string;
  /** Its plugin type. */
  type: string;
}

/** `hotSwap` claimed a backend and is bringing its replacement up, out of rotation. */
export interface SwapStartedEvent {
  /** The backend being replaced; it serves as usual until the replacement passed its probes. */
  backendId: string;
  /** The replacement's id during the swap. */
  replacement: string;
  /** The replacement's plugin type. */
  type: string;
}

/** A hot swap was rolled back: the replacement is shut down, the old backend still serves. */
export interface SwapFailedEvent {
  /** The backend that was to be replaced. */
  backendId: string;
  /** The replacement's id during the swap (gone now). */
  replacement: string;
  /** Which step failed, in words (`the replacement failed probe 1 of 2: ...`). */
  reason: string;
  /** What `hotSwap` answered: `UNAVAILABLE`, `dispatched: false`. */
  error: BackendError;
}

/** An experiment's backends are up and new sessions are being assigned to its variants. */
export interface ExperimentStartedEvent {
  /** The experiment's name. */
  name: string;
  /** Its variants' names, in the order of the spec. */
  variants: string[];
}

/** `updateExperiment` changed a running experiment; new sessions follow it, placed ones stay. */
export interface ExperimentUpdatedEvent {
  /** The experiment's name. */
  name: string;
  /** The share of users (0..1) that take part now. */
  traffic: number;
  /** Every variant's weight now, by name. */
  weights: Record<string, number>;
}

/** A backend's events, plus what the manager adds about its pool. */
export interface ManagerEventMap extends BackendEventMap {
  /** A backend left rotation (a threshold crossed, or it could not be started). */
  'backend-ejected': [BackendEjectedEvent];
  /** An ejected backend is back in rotation, after passing probes. */
  'backend-recovered': [BackendRecoveredEvent];
  /** One backend's health changed (`health-changed` reports the manager's own, aggregated). */
  'backend-health-changed': [BackendHealthChangedEvent];
  /** Sessions are leaving a backend (it failed, or is drained, removed or swapped). */
  failover: [FailoverEvent];
  /** A session moved to another backend. */
  'session-migrated': [SessionMigratedEvent];
  /** A session could not move anywhere and ended. */
  'session-migration-failed': [SessionMigrationFailedEvent];
  /** `addBackend` succeeded. */
  'backend-added': [BackendAddedEvent];
  /** `removeBackend` finished. */
  'backend-removed': [BackendRemovedEvent];
  /** `drain` finished; the same report it answers. */
  'backend-drained': [DrainReport];
  /** `hotSwap` began. */
  'swap-started': [SwapStartedEvent];
  /** `hotSwap` finished; the same report it answers. */
  'backend-swapped': [HotSwapReport];
  /** The replacement could not start or failed a probe: it is gone, the old backend still serves. */
  'swap-failed': [SwapFailedEvent];
  /** An experiment started (from the config at `initialize`, or `startExperiment`). */
  'experiment-started': [ExperimentStartedEvent];
  /** `updateExperiment` changed weights or traffic. */
  'experiment-updated': [ExperimentUpdatedEvent];
  /** With the experiment's final report. */
  'experiment-stopped': [ExperimentReport];
}
