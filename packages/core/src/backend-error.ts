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

export type BackendErrorCode = (typeof BACKEND_ERROR_CODES)[number];

export interface BackendErrorOptions {
  /**
   * Could the command have reached the shell? `false` means it certainly did not, so it is safe to run
   * it elsewhere. Defaults to `false` for input and configuration errors and `true` otherwise, because
   * claiming "not dispatched" wrongly could make a caller run a command twice.
   */
  dispatched?: boolean;
  backendId?: string;
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
  override readonly name = 'BackendError';
  readonly code: BackendErrorCode;
  readonly dispatched: boolean;
  readonly backendId?: string;
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
