import { BackendError, isBackendError, type BackendErrorCode } from '@vth/core';
import { thrownMessage } from '@vth/core/kit';

/** A failed attempt keeps a reason without the type name, so a fallback summary does not repeat it. */
export type Failed = { ok: false; error: BackendError; reason: string };

/** Nothing ran in a shell while a backend was being created, so every creation error is safe to retry. */
export function undispatched(error: BackendError): BackendError {
  if (!error.dispatched) return error;
  return new BackendError(error.code, error.message, {
    dispatched: false,
    ...(error.backendId === undefined ? {} : { backendId: error.backendId }),
    ...(error.details === undefined ? {} : { details: error.details }),
    cause: error.cause ?? error,
  });
}

/** A creation refused with `code`: `message` names the type, `reason` says why without it. */
export function refuse(
  code: BackendErrorCode,
  message: string,
  reason: string,
  details: Record<string, unknown>,
  cause?: unknown,
): Failed {
  return {
    ok: false,
    error: new BackendError(code, message, {
      dispatched: false,
      details,
      ...(cause === undefined ? {} : { cause }),
    }),
    reason,
  };
}

/** Plugin code may throw anything; a BackendError it throws keeps its code, anything else is INTERNAL. */
export function pluginThrew(type: string, stage: string, thrown: unknown): Failed {
  if (isBackendError(thrown)) {
    return { ok: false, error: undispatched(thrown), reason: `${stage} failed: ${thrown.message}` };
  }
  const message = thrownMessage(thrown);
  return refuse(
    'INTERNAL',
    `backend "${type}": ${stage} threw: ${message}`,
    `${stage} threw: ${message}`,
    { type, stage },
    thrown,
  );
}

/** `type` is not registered (`UNAVAILABLE`): the message lists what is. */
export function unknownType(type: string, registeredTypes: Iterable<string>): Failed {
  const registered = [...registeredTypes].sort();
  const known = registered.length > 0 ? registered.join(', ') : 'none';
  return refuse(
    'UNAVAILABLE',
    `unknown backend type "${type}" (registered: ${known})`,
    `not registered (registered: ${known})`,
    { type, registered },
  );
}
