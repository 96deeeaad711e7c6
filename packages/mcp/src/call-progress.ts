import { type RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { type ServerNotification, type ServerRequest } from '@modelcontextprotocol/sdk/types.js';

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * Sends `notifications/progress` every `intervalMs` while a call waits, when the client asked for progress
 * (sent a `progressToken`); `progress` is the time waited in milliseconds, so it always grows. Returns the
 * call that stops it.
 *
 * @example
 * ```ts
 * const stop = reportProgress(extra, 2000, () => `${bytes} bytes of output so far`);
 * try { await run(); } finally { stop(); }
 * ```
 */
export function reportProgress(extra: ToolExtra, intervalMs: number, describe: () => string): () => void {
  const progressToken = extra._meta?.progressToken;
  if (progressToken === undefined) return () => undefined;
  const started = Date.now();
  let last = 0;
  const timer = setInterval(() => {
    const progress = Math.max(last + 1, Date.now() - started);
    last = progress;
    // A client that went away cannot be told; the call itself still answers (or fails) as usual.
    extra
      .sendNotification({
        method: 'notifications/progress',
        params: { progressToken, progress, message: describe() },
      })
      .catch(() => undefined);
  }, intervalMs);
  return () => clearInterval(timer);
}
