import { fail, ok, sessionIdSchema, type BackendError, type BackendResult } from '@vth/core';
import { parseInput } from '@vth/core/kit';
import { type ManagedSession } from './managed-session';

/** How many lost sessions `find` can still explain. */
const LOST_SESSIONS_KEPT = 1000;

export interface SessionTableContext {
  /** Named in `SESSION_NOT_FOUND` messages. */
  managerId: string;
  /** A session left the table (its figures: active sessions, its variant's). */
  closed: (session: ManagedSession) => void;
}

/**
 * The manager's sessions by the id their callers use, the ids being created (so two `createSession` calls
 * cannot take the same one), and why recently lost sessions were lost (what later calls for them answer).
 *
 * @example
 * ```ts
 * const reserved = table.reserve(id);
 * if (reserved.ok) try { table.add(await open(id)); } finally { reserved.value(); }
 * ```
 */
export class SessionTable {
  private readonly sessions = new Map<string, ManagedSession>();
  private readonly reserved = new Set<string>();
  private readonly lost = new Map<string, BackendError>();

  constructor(private readonly ctx: SessionTableContext) {}

  get size(): number {
    return this.sessions.size;
  }

  all(): ManagedSession[] {
    return [...this.sessions.values()];
  }

  get(id: string): ManagedSession | undefined {
    return this.sessions.get(id);
  }

  /** Holds `id` while its session is created; the result releases it. `INVALID_INPUT` when it is taken. */
  reserve(id: string): BackendResult<() => void> {
    if (this.sessions.has(id) || this.reserved.has(id)) {
      return fail('INVALID_INPUT', `a session with id "${id}" already exists`, { dispatched: false });
    }
    this.reserved.add(id);
    return ok(() => void this.reserved.delete(id));
  }

  add(session: ManagedSession): void {
    this.sessions.set(session.id, session);
  }

  /** The session `id`; else why it was lost, `INVALID_INPUT` for a malformed id, or `SESSION_NOT_FOUND`. */
  find(id: string): BackendResult<ManagedSession> {
    const s = typeof id === 'string' ? this.sessions.get(id) : undefined;
    if (s) return ok(s);
    const lost = typeof id === 'string' ? this.lost.get(id) : undefined;
    if (lost) return fail(lost);
    const valid = parseInput(sessionIdSchema, id, 'sessionId');
    if (!valid.ok) return valid;
    return fail('SESSION_NOT_FOUND', `no session "${id}" in manager ${this.ctx.managerId}`, {
      dispatched: false,
    });
  }

  /** Closes a session for good: it leaves its backend and the table. */
  forget(session: ManagedSession): void {
    if (!session.close()) return;
    session.unpin();
    if (this.sessions.get(session.id) === session) {
      this.sessions.delete(session.id);
      this.ctx.closed(session);
    }
  }

  /** Keeps why a session was lost, for the calls that still come for it (the most recent ones only). */
  rememberLost(id: string, error: BackendError): void {
    this.lost.set(id, error);
    if (this.lost.size > LOST_SESSIONS_KEPT) this.lost.delete(this.lost.keys().next().value!);
  }

  /** At shutdown: every session is closed at once (their backends are going); returns them. */
  closeAll(): ManagedSession[] {
    const sessions = this.all();
    this.sessions.clear();
    for (const s of sessions) s.close();
    return sessions;
  }
}
