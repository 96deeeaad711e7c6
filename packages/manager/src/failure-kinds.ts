import { type BackendError, type BackendErrorCode } from '@vth/core';

/**
 * Failures that say something about the backend (it is down, crashed, too slow to start a shell, broken),
 * as opposed to the caller's request (bad input, an unknown pane, a rate limit, a refused command). Only
 * these count against a backend's health, trip its circuit breaker, or justify trying again elsewhere.
 */
const INFRASTRUCTURE: ReadonlySet<string> = new Set<BackendErrorCode>([
  'UNAVAILABLE',
  'NOT_INITIALIZED',
  'BACKEND_CRASHED',
  'TIMEOUT',
  'INTERNAL',
]);

export function isInfrastructureFailure(code: string): boolean {
  return INFRASTRUCTURE.has(code);
}

/**
 * May this failed call run again (on the same backend after a pause, or on another one)? Only when the
 * command certainly never reached a shell, and the failure is the backend's: retrying a rate limit or a
 * refused command would only repeat the refusal.
 */
export function isRetryable(error: BackendError): boolean {
  return !error.dispatched && INFRASTRUCTURE.has(error.code);
}

/** Errors after which only a new instance of the backend helps (when nothing is pinned to the old one). */
export function isDeadBackend(error: BackendError): boolean {
  return error.code === 'UNAVAILABLE' || error.code === 'NOT_INITIALIZED' || error.code === 'BACKEND_CRASHED';
}
