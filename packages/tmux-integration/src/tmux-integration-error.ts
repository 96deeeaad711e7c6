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
  /** Always `'TmuxIntegrationError'`, to tell it from the `BackendError` in `cause` in logs. */
  override readonly name = 'TmuxIntegrationError';
  /** The `BackendError` code behind it (`SESSION_NOT_FOUND`, `BUSY`, `UNAVAILABLE`, ...); branch on this. */
  readonly code: BackendErrorCode;
  /** Could the command have reached the shell? `false` means it certainly did not. */
  readonly dispatched: boolean;
  /** The backend instance that failed, when known; the facade's own refusals (`NOT_INITIALIZED`, bad input) name none. */
  readonly backendId?: string;
  /** Machine-readable extras of the error behind it (`issues` of `INVALID_CONFIG`, ...). */
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
