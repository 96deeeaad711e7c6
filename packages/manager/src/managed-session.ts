import { type BackendError, type BackendResult, type CreateSessionOptions } from '@vth/core';
import { type Assignment } from './experiment-set';
import { type PoolMember } from './pool-member';
import { SessionEnvironment } from './session-environment';

/**
 * A session as the manager knows it: the id its caller uses, where it lives now, and what it takes to
 * re-create it elsewhere (options, working directory, environment, terminal size).
 */
export interface ManagedSession {
  readonly id: string;
  /** The backend it is pinned to. */
  member: PoolMember;
  /** Its id on that backend (the same as `id` unless a move had to pick another). */
  innerId: string;
  readonly createdAt: number;
  /** What createSession was given, without `sessionId`. */
  readonly options: Omit<CreateSessionOptions, 'sessionId'>;
  /** The caller's key for strategies that hash (user id, else the session id). */
  readonly key: string;
  readonly environment: SessionEnvironment;
  /** Last working directory the shell reported. */
  cwd: string | undefined;
  cols: number | undefined;
  rows: number | undefined;
  /** The pane ids the caller knows (those of the first backend). */
  readonly panes: string[];
  /** After a move: caller's pane id -> pane id on the current backend, and back. */
  paneToInner: Map<string, string> | undefined;
  paneToOuter: Map<string, string> | undefined;
  /** live: routed; moving: being re-created elsewhere; closing: destroySession runs; closed: gone. */
  state: 'live' | 'moving' | 'closing' | 'closed';
  /** Settles when a move ends (ok: calls may go on; error: the session is gone). */
  move: Promise<BackendResult<void>> | undefined;
  /** Calls running now (a drain waits for 0). */
  inFlight: number;
  /** Times it moved. */
  moves: number;
  /** Why it ended, when a move failed: what later calls answer. */
  lostError: BackendError | undefined;
  /** The experiment variant it was assigned to, if any. */
  assignment: Assignment | undefined;
}

export function newManagedSession(
  id: string,
  member: PoolMember,
  innerId: string,
  options: Omit<CreateSessionOptions, 'sessionId'>,
  key: string,
  panes: string[],
  cwd: string | undefined,
): ManagedSession {
  return {
    id,
    member,
    innerId,
    createdAt: Date.now(),
    options,
    key,
    environment: new SessionEnvironment(options.env),
    cwd: cwd ?? options.cwd,
    cols: options.cols,
    rows: options.rows,
    panes,
    paneToInner: undefined,
    paneToOuter: undefined,
    state: 'live',
    move: undefined,
    inFlight: 0,
    moves: 0,
    lostError: undefined,
    assignment: undefined,
  };
}
