import {
  fail,
  formatCommandHandle,
  ok,
  parseCommandHandle,
  type BackendResult,
  type CommandOutput,
  type ITerminalBackend,
} from '@vth/core';
import { type SessionCallsContext } from './session-calls';

/**
 * A call on a command handle (`readOutput`, `waitFor`), routed by the handle's session to the backend
 * holding it, in that backend's ids, and answered in the caller's. When the session moved since the
 * command yielded, the command died with the old shell: `BACKEND_CRASHED`, `dispatched: true` (it ran).
 */
export async function followHandle<T extends CommandOutput>(
  ctx: SessionCallsContext,
  handle: string,
  call: (backend: ITerminalBackend, innerHandle: string) => Promise<BackendResult<T>>,
): Promise<BackendResult<T>> {
  const parsed = parseCommandHandle(handle);
  if (!parsed.ok) return parsed;
  const { sessionId, paneId, commandId } = parsed.value;
  const s = ctx.sessions.get(sessionId);
  const yieldedAt = s?.handles.movesAt(commandId);
  const movedAway = () => s !== undefined && yieldedAt !== undefined && s.movedSince(yieldedAt) && !s.move;
  const crashed = () =>
    fail('BACKEND_CRASHED', `command ${commandId} ended: session ${sessionId} moved to another backend`, {
      dispatched: true,
      backendId: ctx.managerId,
    });
  if (movedAway()) return crashed();
  const r = await ctx.router.route(sessionId, paneId, true, (b, id, pane) =>
    movedAway()
      ? // Not an error of this backend (it never had the command): the answer is made below.
        Promise.resolve(fail('COMMAND_NOT_FOUND', `command ${commandId} is not on ${b.id}`))
      : call(b, formatCommandHandle({ sessionId: id, paneId: pane ?? paneId, commandId })),
  );
  if (movedAway()) return crashed();
  if (!r.ok) {
    // A handle names a command that ran: its session gone, it ended with it (as a backend answers).
    if (r.error.code !== 'SESSION_NOT_FOUND' || r.error.dispatched) return r;
    return fail('SESSION_NOT_FOUND', `${r.error.message}; command ${commandId} ended with it`, {
      dispatched: true,
      ...(r.error.backendId === undefined ? {} : { backendId: r.error.backendId }),
    });
  }
  return ok({ ...r.value, handle, sessionId, paneId });
}
