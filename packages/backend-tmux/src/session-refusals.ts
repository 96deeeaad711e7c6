import { fail, type BackendError, type BackendResult } from '@vth/core';
import { exhaustionHint } from '@vth/shell-integration';

/**
 * What a create answers when tmux refused `new-session`: `INVALID_INPUT` for a name already taken on the
 * server; `UNAVAILABLE` with the cause and a hint when the server ran out of ptys or descriptors (a
 * resource, not a bug: tmux says "No space left on device"); tmux's own error otherwise.
 *
 * @example `if (!created.ok) return newSessionRefusal(created.error, id, serverPid, backendId);`
 */
export function newSessionRefusal(
  error: BackendError,
  sessionId: string,
  serverPid: number | 'self',
  backendId: string,
): BackendResult<never> {
  if (/duplicate session/.test(error.message))
    return fail('INVALID_INPUT', `session "${sessionId}" already exists on the tmux server`, { backendId });
  const why = exhaustionHint(error.message, serverPid);
  if (why) {
    return fail('UNAVAILABLE', `${error.message}: ${why}`, {
      backendId,
      dispatched: false,
      details: { hint: why },
    });
  }
  return fail(error);
}
