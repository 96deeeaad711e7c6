import { fail, ok, type BackendResult } from '@vth/core';
import { type Identity } from '../auth/identity';
import { type TrackedSession } from '../stream/session-registry';
import { type OperationContext } from './operation-context';

/**
 * The session a caller may use: their own (an admin: any). Another user's session and a session that
 * does not exist get the same answer, so ids cannot be probed. An admin reaching a session the server did
 * not create (made by the embedding program) starts following it.
 */
export async function accessSession(
  ctx: OperationContext,
  identity: Identity,
  sessionId: string,
): Promise<BackendResult<TrackedSession>> {
  // Made only when needed: an error captures a stack, a cost every request would pay.
  const notFound = (): BackendResult<TrackedSession> =>
    fail('SESSION_NOT_FOUND', `no session "${sessionId}"`, { dispatched: false });
  if (identity.sessionId !== undefined && identity.sessionId !== sessionId) return notFound();
  const tracked = ctx.registry.get(sessionId);
  if (tracked)
    return tracked.owner === identity.userId || identity.role === 'admin' ? ok(tracked) : notFound();
  if (identity.role !== 'admin') return notFound();
  const listed = await ctx.backend.listSessions();
  const info = listed.ok ? listed.value.find((s) => s.id === sessionId) : undefined;
  if (!info) return notFound();
  const adopted = ctx.registry.track(
    sessionId,
    undefined,
    { cols: ctx.config.sessions.cols, rows: ctx.config.sessions.rows },
    false,
  );
  adopted.defaultPane = info.panes[0] ?? adopted.defaultPane;
  return ok(adopted);
}
