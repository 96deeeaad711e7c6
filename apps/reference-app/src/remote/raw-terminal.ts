import { type ReadStream } from 'node:tty';

/**
 * Puts a terminal input in raw mode (every key as typed, Ctrl-C included, no echo) and returns the
 * function that restores it, safe to call twice. Also restores it when the process exits some other way
 * (an internal error's `process.exit`), so the user's terminal is never left raw. No-op when the input is
 * not a terminal.
 *
 * @example
 * ```ts
 * const restore = enterRawMode(process.stdin);
 * try { await attach(); } finally { restore(); }
 * ```
 */
export function enterRawMode(input: NodeJS.ReadableStream & { isTTY?: boolean }): () => void {
  const tty = input as ReadStream;
  if (input.isTTY !== true || typeof tty.setRawMode !== 'function') return () => undefined;
  const wasRaw = tty.isRaw;
  tty.setRawMode(true);
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    process.off('exit', restore);
    tty.setRawMode(wasRaw);
  };
  process.on('exit', restore);
  return restore;
}
