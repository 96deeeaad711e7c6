/**
 * Codes of `error` messages about the conversation itself (a bad frame, an unknown channel). Errors of an
 * operation travel in its `result` as a `BackendError` code (`SESSION_NOT_FOUND`, `FORBIDDEN`, ...).
 */
export const PROTOCOL_ERROR_CODES = [
  /** Not JSON, not a known message shape, or a binary frame that cannot be read. */
  'BAD_MESSAGE',
  /** A `type` (or frame kind) this protocol version does not have. */
  'UNKNOWN_TYPE',
  /** Over `hello.limits.maxMessageBytes`. */
  'TOO_LARGE',
  /** A channel this socket does not hold (never attached, or detached). */
  'UNKNOWN_CHANNEL',
  /** The operation does not exist. */
  'UNKNOWN_OPERATION',
  /** Not allowed for this user or this attachment (a viewer typing, an admin operation). */
  'FORBIDDEN',
  /** The session does not exist or is not yours (the two look the same on purpose). */
  'SESSION_NOT_FOUND',
  /** Too much at once: input queued beyond the limit, too many attachments. */
  'OVERLOADED',
  /** Typed input the backend refused (policy, rate limit, session moving): `details.code` says which. */
  'INPUT_REFUSED',
  /** Something failed on the server's side. */
  'INTERNAL',
] as const;

/** One of `PROTOCOL_ERROR_CODES`. */
export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];
