import { type BackendError } from '@vth/core';

/** `vth: UNAVAILABLE: unknown backend type "x" (registered: container, node-pty, tmux)`, one line for stderr. */
export function formatBackendError(error: Pick<BackendError, 'code' | 'message'>): string {
  return `vth: ${error.code}: ${error.message}\n`;
}
