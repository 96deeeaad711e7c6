import { type ExecutionContext } from './execution';
import { createId } from './ids';
import { fail, ok, type BackendResult } from './result';
import { paneIdSchema, sessionIdSchema } from './schemas';
import { parseExecutionContext } from './parse-execution-context';
import { parseInput } from './validation';

/** Where a backend keeps its sessions, for {@link lookupSession} and {@link targetSinglePane}. */
export interface SessionTable<S> {
  /** The backend's sessions by id. */
  sessions: ReadonlyMap<string, S>;
  /** Named in `SESSION_NOT_FOUND` errors. */
  backendId: string;
  /** A session being destroyed counts as gone. */
  isClosing?: (session: S) => boolean;
}

/**
 * The session a call names: `INVALID_INPUT` for a malformed id, `SESSION_NOT_FOUND` (dispatched: false)
 * for one that does not exist or is closing.
 *
 * @example
 * ```ts
 * const found = lookupSession({ sessions: this.sessions, backendId: this.id }, sessionId);
 * if (!found.ok) return this.record(found);
 * ```
 */
export function lookupSession<S>(table: SessionTable<S>, sessionId: string): BackendResult<S> {
  // The common case first: an id the table holds was checked when its session was created.
  if (typeof sessionId === 'string') {
    const known = table.sessions.get(sessionId);
    if (known !== undefined && !table.isClosing?.(known)) return ok(known);
  }
  const id = parseInput(sessionIdSchema, sessionId, 'sessionId');
  if (!id.ok) return id;
  const session = table.sessions.get(id.value);
  if (session === undefined || table.isClosing?.(session)) {
    return fail('SESSION_NOT_FOUND', `no session "${id.value}" on backend ${table.backendId}`, {
      backendId: table.backendId,
    });
  }
  return ok(session);
}

/**
 * The checks of a session call on a backend whose sessions have one pane, in the order callers rely on:
 * the session ({@link lookupSession}), then the pane id (`INVALID_INPUT` when malformed, `PANE_NOT_FOUND`
 * when it is not `pane`), then the `ExecutionContext` (`INVALID_INPUT`).
 *
 * @example
 * ```ts
 * const target = targetSinglePane({ sessions, backendId: this.id, pane: '0', kind: 'node-pty' }, id, paneId, context);
 * ```
 */
export function targetSinglePane<S>(
  table: SessionTable<S> & { pane: string; kind: string },
  sessionId: string,
  paneId: string | undefined,
  context?: ExecutionContext,
): BackendResult<S> {
  const session = lookupSession(table, sessionId);
  if (!session.ok) return session;
  if (paneId !== undefined) {
    const pane = parseInput(paneIdSchema, paneId, 'paneId');
    if (!pane.ok) return pane;
    if (pane.value !== table.pane) {
      return fail(
        'PANE_NOT_FOUND',
        `session "${sessionId}" has no pane "${pane.value}" (${table.kind} sessions have one pane, "${table.pane}")`,
        { backendId: table.backendId },
      );
    }
  }
  if (context !== undefined) {
    const ctx = parseExecutionContext(context);
    if (!ctx.ok) return ctx;
  }
  return session;
}

/** A backend's sessions as `claimSessionId` sees them: live ones, ones being created, the limit. */
export interface SessionCapacity {
  /** Sessions open now, by id. */
  sessions: ReadonlyMap<string, unknown>;
  /** Ids claimed by `createSession` calls still opening their session. */
  pending: ReadonlySet<string>;
  /** The backend's limit: `BUSY` once open plus pending sessions reach it. */
  maxSessions: number;
  /** Named in the errors. */
  backendId: string;
}

/**
 * The id of a session about to be created: the one asked for (`INVALID_INPUT` when in use) or a new one;
 * `BUSY` when the backend already holds `maxSessions`. The caller adds it to `pending` while it creates.
 *
 * @example
 * ```ts
 * const id = claimSessionId(o.sessionId, { sessions, pending, maxSessions: cfg.maxSessions, backendId: this.id });
 * if (!id.ok) return this.record(id);
 * ```
 */
export function claimSessionId(
  requested: string | undefined,
  capacity: SessionCapacity,
): BackendResult<string> {
  const id = requested ?? createId('s');
  const { sessions, pending, maxSessions, backendId } = capacity;
  if (sessions.has(id) || pending.has(id)) {
    return fail('INVALID_INPUT', `session "${id}" already exists`, { backendId });
  }
  if (sessions.size + pending.size >= maxSessions) {
    return fail(
      'BUSY',
      `the backend already runs its maximum of ${maxSessions} sessions (raise config.maxSessions to allow more)`,
      { backendId, details: { maxSessions } },
    );
  }
  return ok(id);
}
