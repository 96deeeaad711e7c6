import { BackendError, fail, ok, type BackendResult } from '@vth/core';
import type * as NodePty from 'node-pty';

let cached: BackendResult<typeof NodePty> | null = null;

/**
 * Loads the node-pty native module once. A missing or mis-built binary becomes `UNAVAILABLE` with the fix,
 * not a crash at import time: importing this package never touches the native module.
 */
export function loadNodePty(): BackendResult<typeof NodePty> {
  if (cached) return cached;
  try {
    cached = ok(require('node-pty') as typeof NodePty);
  } catch (e) {
    cached = fail(
      new BackendError('UNAVAILABLE', `the node-pty native module failed to load: ${(e as Error).message}`, {
        dispatched: false,
        cause: e,
        details: { hint: 'build tools are needed (python3, make, g++); then run `npm rebuild node-pty`' },
      }),
    );
  }
  return cached;
}
