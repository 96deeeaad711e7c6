import { BackendError, type BackendErrorCode, type BackendErrorOptions } from './backend-error';

/** What every backend method returns instead of throwing. */
export type BackendResult<T> =
  | {
      /** Success: read `value`. */
      ok: true;
      /** What the call produced. */
      value: T;
    }
  | {
      /** Failure: read `error`. */
      ok: false;
      /** Why; branch on `error.code`, and on `error.dispatched` before retrying. */
      error: BackendError;
    };

/** @example `return ok(sessionInfo);` */
export function ok(): BackendResult<void>;
export function ok<T>(value: T): BackendResult<T>;
export function ok<T>(value?: T): BackendResult<T | undefined> {
  return { ok: true, value };
}

/** @example `return fail('SESSION_NOT_FOUND', \`no session "${id}"\`);` */
export function fail<T = never>(
  codeOrError: BackendErrorCode | BackendError,
  message?: string,
  options?: BackendErrorOptions,
): BackendResult<T> {
  const error =
    typeof codeOrError === 'string'
      ? new BackendError(codeOrError, message ?? codeOrError, options)
      : codeOrError;
  return { ok: false, error };
}
