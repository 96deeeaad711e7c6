import { type BackendErrorCode } from '@vth/core';

const STATUS: Record<BackendErrorCode, number> = {
  INVALID_INPUT: 400,
  INVALID_CONFIG: 400,
  FORBIDDEN: 403,
  SESSION_NOT_FOUND: 404,
  PANE_NOT_FOUND: 404,
  COMMAND_NOT_FOUND: 404,
  BUSY: 409,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNSUPPORTED: 501,
  BACKEND_CRASHED: 502,
  UNAVAILABLE: 503,
  NOT_INITIALIZED: 503,
  TIMEOUT: 504,
};

/** The HTTP status of an operation that failed with `code` (500 for a code this server does not know). */
export function httpStatusOf(code: string): number {
  return (STATUS as Record<string, number>)[code] ?? 500;
}
