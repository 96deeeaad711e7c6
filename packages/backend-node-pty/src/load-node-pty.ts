import { BackendError, fail, ok, type BackendResult } from '@vth/core';
import { type PtyModule } from './pty-module';

let cached: BackendResult<PtyModule> | null = null;

const PREBUILT_HINT =
  "or install a prebuilt build with the same API and pass it: `new NodePtyBackend({ ptyModule: require('@lydell/node-pty') })`";

/**
 * Loads the node-pty native module once. A missing package or a mis-built binary becomes `UNAVAILABLE`
 * with the fix, not a crash at import time: importing this package never touches the native module, and
 * node-pty is an optional peer dependency (a backend given `ptyModule` never loads it).
 */
export function loadNodePty(): BackendResult<PtyModule> {
  if (cached) return cached;
  try {
    cached = ok(require('node-pty') as PtyModule);
  } catch (e) {
    const missing =
      (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && /'node-pty'/.test((e as Error).message);
    cached = fail(
      new BackendError(
        'UNAVAILABLE',
        missing
          ? 'node-pty is not installed (it is an optional peer dependency of @vth/backend-node-pty)'
          : `the node-pty native module failed to load: ${(e as Error).message}`,
        {
          dispatched: false,
          cause: e,
          details: {
            hint: missing
              ? `run \`npm install node-pty\` (build tools needed: python3, make, g++), ${PREBUILT_HINT}`
              : `build tools are needed (python3, make, g++); then run \`npm rebuild node-pty\`, ${PREBUILT_HINT}`,
          },
        },
      ),
    );
  }
  return cached;
}
