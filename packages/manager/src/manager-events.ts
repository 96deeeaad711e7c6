import { type BackendError, type BackendEventMap, type BackendHealth } from '@vth/core';
import { type ExperimentReport } from './experiments/experiment-set';

/** What a drain did (`drain()`'s result and the `backend-drained` event). */
export interface DrainReport {
  backendId: string;
  /** Sessions that moved to another backend. */
  moved: number;
  /** Sessions that ended by themselves meanwhile. */
  ended: number;
  /** Sessions still busy at the deadline, moved anyway (their running command was ended). */
  forced: number;
  /** Sessions that could not be re-created anywhere. */
  lost: number;
  durationMs: number;
}

/** What a hot swap did (`hotSwap()`'s result and the `backend-swapped` event). */
export interface HotSwapReport {
  backendId: string;
  /** The replacement's id now (the old id unless `spec.id` named another). */
  replacement: string;
  /** From the call to the old backend shut down. */
  durationMs: number;
  moved: number;
  ended: number;
  forced: number;
  lost: number;
}

export interface BackendEjectedEvent {
  backendId: string;
  /** What crossed a threshold, in words: `5 failures in a row`, `error rate 62% over 60 s`, ... */
  reason: string;
  /** How long it stays out before probes may bring it back, ms. */
  ejectionMs: number;
  /** How many times it has been ejected so far (this one included). */
  ejections: number;
}

export interface BackendRecoveredEvent {
  backendId: string;
  /** How long it was out of rotation, ms. */
  outMs: number;
}

export interface BackendHealthChangedEvent {
  backendId: string;
  previous: BackendHealth['status'];
  current: BackendHealth;
}

export interface FailoverEvent {
  /** The backend that failed. */
  from: string;
  /** Why the manager moved away from it. */
  reason: string;
  /** Sessions it held that are being moved. */
  sessions: string[];
  at: number;
}

export interface SessionMigratedEvent {
  sessionId: string;
  from: string;
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

export interface SessionMigrationFailedEvent {
  sessionId: string;
  from: string;
  error: BackendError;
}

export interface BackendAddedEvent {
  backendId: string;
  type: string;
}

export interface BackendRemovedEvent {
  backendId: string;
  type: string;
}

export interface SwapStartedEvent {
  backendId: string;
  /** The replacement's id during the swap. */
  replacement: string;
  type: string;
}

export interface SwapFailedEvent {
  backendId: string;
  replacement: string;
  reason: string;
  error: BackendError;
}

export interface ExperimentStartedEvent {
  name: string;
  variants: string[];
}

export interface ExperimentUpdatedEvent {
  name: string;
  traffic: number;
  weights: Record<string, number>;
}

/** A backend's events, plus what the manager adds about its pool. */
export interface ManagerEventMap extends BackendEventMap {
  'backend-ejected': [BackendEjectedEvent];
  'backend-recovered': [BackendRecoveredEvent];
  /** One backend's health changed (`health-changed` reports the manager's own, aggregated). */
  'backend-health-changed': [BackendHealthChangedEvent];
  failover: [FailoverEvent];
  'session-migrated': [SessionMigratedEvent];
  'session-migration-failed': [SessionMigrationFailedEvent];
  'backend-added': [BackendAddedEvent];
  'backend-removed': [BackendRemovedEvent];
  'backend-drained': [DrainReport];
  'swap-started': [SwapStartedEvent];
  'backend-swapped': [HotSwapReport];
  /** The replacement could not start or failed a probe: it is gone, the old backend still serves. */
  'swap-failed': [SwapFailedEvent];
  'experiment-started': [ExperimentStartedEvent];
  'experiment-updated': [ExperimentUpdatedEvent];
  /** With the experiment's final report. */
  'experiment-stopped': [ExperimentReport];
}
