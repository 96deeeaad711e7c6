import { BACKEND_ERROR_CODES, BackendError, type BackendErrorCode } from '@vth/core';
import { CLOSE_CODES, closeCodeName, type WireError } from '@vth/protocol';

/**
 * The error a close code means to the backend: a refusal that would repeat (auth, forbidden, version, a
 * broken conversation) is typed for what a person has to fix; the rest is `UNAVAILABLE`.
 */
export function closeError(
  code: number,
  reason: string,
  backendId: string,
  initializing: boolean,
): BackendError {
  const said = reason ? `: ${reason}` : '';
  const name = closeCodeName(code) ?? 'unknown';
  const at = (c: BackendErrorCode, message: string) =>
    new BackendError(c, message, {
      dispatched: false,
      backendId,
      details: { closeCode: code, closeName: name },
    });
  switch (code) {
    case CLOSE_CODES.AUTH_FAILED:
      // At initialize it is the configuration's token; later, a token revoked under us.
      return at(
        initializing ? 'INVALID_CONFIG' : 'FORBIDDEN',
        `the server refused the token (close ${code}${said}): check config.token`,
      );
    case CLOSE_CODES.FORBIDDEN:
      return at('FORBIDDEN', `the server refused this client (close ${code}${said})`);
    case CLOSE_CODES.PROTOCOL_UNSUPPORTED:
      return at('UNSUPPORTED', `the server does not speak vth.v1 (close ${code}${said})`);
    case CLOSE_CODES.PROTOCOL_ERROR:
    case CLOSE_CODES.MESSAGE_TOO_BIG:
      return at('INTERNAL', `the server ended the conversation (close ${code} ${name}${said})`);
    default:
      return at('UNAVAILABLE', `the connection to the server closed (close ${code} ${name}${said})`);
  }
}

/** A `BackendError` that travelled as JSON, rebuilt; an unknown code becomes `INTERNAL` (the text is kept). */
export function wireToError(wire: WireError, backendId: string): BackendError {
  const known = (BACKEND_ERROR_CODES as readonly string[]).includes(wire.code);
  return new BackendError(
    known ? (wire.code as BackendErrorCode) : 'INTERNAL',
    known ? wire.message : `${wire.code}: ${wire.message}`,
    {
      dispatched: wire.dispatched,
      backendId,
      details: {
        ...wire.details,
        ...(wire.backendId === undefined ? {} : { remoteBackendId: wire.backendId }),
      },
    },
  );
}
