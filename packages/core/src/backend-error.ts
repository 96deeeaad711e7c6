/**
 * Every failure a backend reports. Callers branch on `code`, never on `instanceof` across packages:
 * two copies of this class can be loaded side by side.
 */
export const BACKEND_ERROR_CODES = [
  'INVALID_INPUT',
  'INVALID_CONFIG',
  'UNAVAILABLE',
  'NOT_INITIALIZED',
  'SESSION_NOT_FOUND',
  'PANE_NOT_FOUND',
  'COMMAND_NOT_FOUND',
  'BUSY',
  'TIMEOUT',
  'RATE_LIMITED',
  'FORBIDDEN',
  'UNSUPPORTED',
  'BACKEND_CRASHED',
  'INTERNAL',
] as const;

/** One of {@link BACKEND_ERROR_CODES}: what went wrong, for a caller to branch on. */
export type BackendErrorCode = (typeof BACKEND_ERROR_CODES)[number];

/** The optional parts of a {@link BackendError}, as its constructor and `fail` take them. */
export interface BackendErrorOptions {
  /**
   * Could the command have reached the shell? `false` means it certainly did not, so it is safe to run
   * it elsewhere. Defaults to `false` for input and configuration errors and `true` otherwise, because
   * claiming "not dispatched" wrongly could make a caller run a command twice.
   */
  dispatched?: boolean;
  /** The backend that failed, so a manager's caller can tell which member of its pool it was. */
  backendId?: string;
  /** The underlying error (a Node error, a zod error), kept as the standard `Error.cause`. */
  cause?: unknown;
  /** Machine-readable extras: offending paths, retry-after, the attempts of a fallback, ... */
  details?: Record<string, unknown>;
}

const NEVER_DISPATCHED: ReadonlySet<BackendErrorCode> = new Set([
  'INVALID_INPUT',
  'INVALID_CONFIG',
  'NOT_INITIALIZED',
  'SESSION_NOT_FOUND',
  'PANE_NOT_FOUND',
  'COMMAND_NOT_FOUND',
  'BUSY',
  'RATE_LIMITED',
  'FORBIDDEN',
  'UNSUPPORTED',
  'UNAVAILABLE',
]);

/**
 * A typed backend failure.
 *
 * @example
 * ```ts
 * const result = await backend.executeCommand(sessionId, 'ls');
 * if (!result.ok && result.error.code === 'SESSION_NOT_FOUND') recreateSession();
 * ```
 */
export class BackendError extends Error {
  /** Always `'BackendError'`, also in `toJSON`, so a serialized error is still recognisable. */
  override readonly name = 'BackendError';
  /** What went wrong; branch on this. */
  readonly code: BackendErrorCode;
  /** Could the command have reached the shell? `false` means it is safe to retry elsewhere. */
  readonly dispatched: boolean;
  /** The backend that produced the error, when known. */
  readonly backendId?: string;
  /** Machine-readable extras: offending paths, retry-after, the attempts of a fallback, ... */
  readonly details?: Record<string, unknown>;

  constructor(code: BackendErrorCode, message: string, options: BackendErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.dispatched = options.dispatched ?? !NEVER_DISPATCHED.has(code);
    if (options.backendId !== undefined) this.backendId = options.backendId;
    if (options.details !== undefined) this.details = options.details;
  }

  /** A copy that names the backend that produced it (the manager tags errors it passes through). */
  withBackendId(backendId: string): BackendError {
    if (this.backendId === backendId) return this;
    const copy = new BackendError(this.code, this.message, {
      dispatched: this.dispatched,
      backendId,
      cause: this.cause,
      ...(this.details ? { details: this.details } : {}),
    });
    copy.stack = this.stack;
    return copy;
  }

  /** A plain object for logs and the wire (`JSON.stringify` drops an Error's own fields otherwise); no cause, no stack. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      dispatched: this.dispatched,
      ...(this.backendId === undefined ? {} : { backendId: this.backendId }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

/** True for any object shaped like a BackendError, from whichever copy of this package made it. */
export function isBackendError(value: unknown): value is BackendError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { code?: unknown; dispatched?: unknown; message?: unknown };
  return (
    typeof v.code === 'string' &&
    (BACKEND_ERROR_CODES as readonly string[]).includes(v.code) &&
    typeof v.dispatched === 'boolean' &&
    typeof v.message === 'string'
  );
}

/**
 * Turns anything thrown into a BackendError, keeping BackendErrors as they are. Used where foreign code
 * (a plugin, a native module) runs inside a public method that must not throw.
 */
export function toBackendError(
  thrown: unknown,
  code: BackendErrorCode = 'INTERNAL',
  options: BackendErrorOptions = {},
): BackendError {
  if (isBackendError(thrown)) return thrown;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new BackendError(code, message, { ...options, cause: thrown });
}
