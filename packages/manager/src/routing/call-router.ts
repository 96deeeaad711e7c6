import { BackendError, fail, type BackendResult, type ITerminalBackend } from '@vth/core';
import { type Readiness } from '../context/readiness';
import { isInfrastructureFailure } from '../failure-kinds';
import { type PoolHealth } from '../monitoring/pool-health';
import { type CircuitGuard } from '../pool/circuit-breaker';
import { type ManagedSession, type Member } from '../sessions/managed-session';
import { type SessionTable } from '../sessions/session-table';
import { isMoved, type Outcome, type RetryRunner } from './retry-runner';

/** How many moves one call follows before giving up (each is a backend dying under it). */
const MAX_FOLLOWED_MOVES = 3;

/** One call on a session's backend, with the session's id and pane id there. */
export type SessionCall<T> = (
  backend: ITerminalBackend,
  sessionId: string,
  paneId: string | undefined,
) => Promise<BackendResult<T>>;

export interface CallRouterContext {
  readiness: Pick<Readiness, 'check'>;
  sessions: SessionTable;
  retries: RetryRunner;
  guard: CircuitGuard<Member>;
  health: PoolHealth;
  /** A session's backend lost it: re-create it elsewhere. */
  lost: (session: ManagedSession, why: string) => void;
  /** Nothing runs in a session any more (a draining backend lets it go now). */
  idle: (session: ManagedSession) => void;
}

/**
 * Every call on a session: finds it, waits for a move in progress, calls its backend (through the circuit
 * breaker, retried with backoff while it certainly did not reach a shell), and follows the session when it
 * moved under the call (an explicit `Moved` outcome, never retried where it was). Failures are returned as
 * they are: the manager counts and reports them at its boundary. Counts the calls in
 * flight per session, so a draining backend lets a session go the moment nothing runs in it.
 *
 * @example
 * ```ts
 * const r = await router.route(sessionId, undefined, true, (b, id, pane) => b.capture(id, pane));
 * ```
 */
export class CallRouter {
  constructor(private readonly ctx: CallRouterContext) {}

  /** `followMoves: false` (input for a running command): answers `UNAVAILABLE` while the session moves. */
  async route<T>(
    sessionId: string,
    paneId: string | undefined,
    followMoves: boolean,
    call: SessionCall<T>,
  ): Promise<BackendResult<T>> {
    const ready = this.ctx.readiness.check();
    if (!ready.ok) return ready;
    const found = this.ctx.sessions.find(sessionId);
    if (!found.ok) return found;
    const s = found.value;
    s.callStarted();
    try {
      for (let followed = 0; ; followed++) {
        if (s.move) {
          if (!followMoves) {
            return fail('UNAVAILABLE', `session ${s.id} is moving to another backend; nothing was sent`, {
              dispatched: false,
            });
          }
          await s.move;
        }
        if (s.state !== 'live') return s.lostError ? fail(s.lostError) : s.ended();
        const member = s.member;
        const moves = s.moves;
        const outcome = await this.ctx.retries.run(() => this.attempt(s, member, moves, paneId, call));
        if (!isMoved(outcome) && outcome.ok) return outcome;
        const error = outcome.error;
        const moved = isMoved(outcome) || s.movedSince(moves);
        if (followMoves && moved && !error.dispatched && followed < MAX_FOLLOWED_MOVES) continue;
        return fail(error);
      }
    } finally {
      // A draining backend's session moves the moment nothing runs in it: no command sees the move.
      if (s.callEnded()) this.ctx.idle(s);
    }
  }

  /** One attempt on the backend the session was on (`member`, after `moves` moves). */
  private async attempt<T>(
    s: ManagedSession,
    member: Member,
    moves: number,
    paneId: string | undefined,
    call: SessionCall<T>,
  ): Promise<Outcome<T>> {
    if (s.movedSince(moves) || s.state !== 'live') {
      const error = new BackendError('UNAVAILABLE', `session ${s.id} moved before the call ran`, {
        dispatched: false,
      });
      return { moved: true, error };
    }
    const backend = member.backend!;
    const result = await this.ctx.guard.call(member, () => call(backend, s.innerId, s.innerPane(paneId)));
    if (result.ok) {
      this.ctx.health.succeeded(member);
      return result;
    }
    const error = result.error.withBackendId(member.id);
    if (isInfrastructureFailure(error.code)) this.ctx.health.failed(member, error);
    // The backend no longer has a session the manager still thinks alive there: it lost it.
    if (error.code === 'SESSION_NOT_FOUND' && s.moves === moves && s.state === 'live') {
      this.ctx.lost(s, `backend ${member.id} lost it: ${error.message}`);
    }
    if (!error.dispatched && s.movedSince(moves)) return { moved: true, error };
    return fail(error);
  }
}
