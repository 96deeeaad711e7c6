import { type BackendError, type BackendErrorCode } from '@vth/core';

/**
 * What every `TmuxIntegration` method throws: the legacy API throws where vth backends return results.
 * It carries the fields of the `BackendError` behind it (`code`, `dispatched`, `backendId`, `details`) and
 * that error as `cause`, so code that branches on `error.code` works on both.
 *
 * @example
 * ```ts
 * try {
 *   await integration.executeCommand('make');
 * } catch (e) {
 *   if (e instanceof TmuxIntegrationError && e.code === 'SESSION_NOT_FOUND' && !e.dispatched) retry();
 * }
 * ```
 */
export class TmuxIntegrationError extends Error {
  override readonly name = 'TmuxIntegrationError';
  readonly code: BackendErrorCode;
  /** Could the command have reached the shell? `false` means it certainly did not. */
  readonly dispatched: boolean;
  readonly backendId?: string;
  readonly details?: Record<string, unknown>;
  /** The backend's (or the facade's own) typed error. */
  declare readonly cause: BackendError;

  constructor(cause: BackendError, message: string = cause.message) {
    super(message, { cause });
    this.code = cause.code;
    this.dispatched = cause.dispatched;
    if (cause.backendId !== undefined) this.backendId = cause.backendId;
    if (cause.details !== undefined) this.details = cause.details;
  }
}
