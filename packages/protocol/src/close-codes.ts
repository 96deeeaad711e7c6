/**
 * WebSocket close codes of `vth.v1`. The 1000-range ones are the standard's; 4000-4999 are the
 * application's own, so a client can tell why it was closed and whether reconnecting can help.
 */
export const CLOSE_CODES = {
  /** Normal closure: the client or server is done. */
  NORMAL: 1000,
  /** The server is shutting down: reconnect to another one, or later. */
  GOING_AWAY: 1001,
  /** A message over the hard size limit (the connection cannot go on). */
  MESSAGE_TOO_BIG: 1009,
  /** The server failed unexpectedly. */
  INTERNAL_ERROR: 1011,
  /** No valid credentials, or they expired: do not reconnect with the same ones. */
  AUTH_FAILED: 4001,
  /** Authenticated, but not allowed: an Origin that is not allowed, a role too low. */
  FORBIDDEN: 4003,
  /** The session named in the connection URL does not exist (or is not yours). */
  SESSION_NOT_FOUND: 4004,
  /** Client and server share no protocol version. */
  PROTOCOL_UNSUPPORTED: 4005,
  /** No pong within the heartbeat timeout. */
  HEARTBEAT_TIMEOUT: 4008,
  /** Too many malformed, oversized or unknown messages: the peer is broken or hostile. */
  PROTOCOL_ERROR: 4009,
  /** The server takes no more connections (or this user has too many): retry later, with backoff. */
  OVERLOADED: 4013,
} as const;

/** The name of a vth close code, e.g. `'AUTH_FAILED'`; see `CLOSE_CODES`. */
export type CloseCodeName = keyof typeof CLOSE_CODES;
/** A close code vth defines (the values of `CLOSE_CODES`). */
export type CloseCode = (typeof CLOSE_CODES)[CloseCodeName];

const NAMES = new Map<number, CloseCodeName>(
  Object.entries(CLOSE_CODES).map(([name, code]) => [code, name as CloseCodeName]),
);

/** The name of a close code (`4001` → `AUTH_FAILED`), or `undefined` for one vth does not define. */
export function closeCodeName(code: number): CloseCodeName | undefined {
  return NAMES.get(code);
}

/**
 * Whether a client should reconnect after this close: not after refusals that would repeat (auth,
 * forbidden, unknown session, version), yes after transient ones (going away, heartbeat, overloaded,
 * abnormal closure 1006).
 */
export function isRetryableClose(code: number): boolean {
  return !(
    code === CLOSE_CODES.AUTH_FAILED ||
    code === CLOSE_CODES.FORBIDDEN ||
    code === CLOSE_CODES.SESSION_NOT_FOUND ||
    code === CLOSE_CODES.PROTOCOL_UNSUPPORTED ||
    code === CLOSE_CODES.PROTOCOL_ERROR ||
    code === CLOSE_CODES.MESSAGE_TOO_BIG ||
    code === CLOSE_CODES.NORMAL
  );
}
