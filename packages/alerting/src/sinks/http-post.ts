import http from 'node:http';
import https from 'node:https';
import { type AlertClock } from '../clock';

/** How one POST ended. */
export interface PostOutcome {
  /** The response's status, when one came. */
  status?: number;
  /** A `Retry-After` the receiver asked for, ms. */
  retryAfterMs?: number;
  /** Why no response came: a network error, the timeout, the abort. */
  error?: string;
  aborted?: boolean;
}

function retryAfter(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/**
 * POSTs a JSON body once, on a connection of its own (closed after: nothing lingers), and reads the
 * response to its end (discarding it). Ends after `timeoutMs` in all (connect, send, response), or at once
 * when `signal` aborts. Never rejects. Redirects are not followed.
 */
export function postJson(
  url: URL,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  clock: AlertClock,
  signal: AbortSignal,
): Promise<PostOutcome> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve({ error: 'given up', aborted: true });
    const req = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      agent: false,
      headers: {
        'user-agent': 'vth-alerting',
        ...headers,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      },
    });
    let done = false;
    const finish = (outcome: PostOutcome): void => {
      if (done) return;
      done = true;
      timer.cancel();
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const timer = clock.setTimer(() => {
      req.destroy();
      finish({ error: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
    const onAbort = (): void => {
      req.destroy();
      finish({ error: 'given up', aborted: true });
    };
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', (e) => finish({ error: e.message }));
    req.on('response', (res) => {
      res.on('error', (e) => finish({ error: e.message }));
      res.on('end', () => {
        const after = retryAfter(res.headers['retry-after']);
        finish({ status: res.statusCode ?? 0, ...(after === undefined ? {} : { retryAfterMs: after }) });
      });
      res.resume();
    });
    req.end(body);
  });
}
