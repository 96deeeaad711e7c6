import { BackendError } from '@vth/core';
import { decodeServerMessage, isRetryableClose, PROTOCOL_V1, type HelloMessage } from '@vth/protocol';
import WebSocket from 'ws';
import { closeError } from './close-errors';

/** What one attempt to open the socket gave. */
export type DialOutcome =
  | { ok: true; ws: WebSocket; hello: HelloMessage }
  | {
      ok: false;
      error: BackendError;
      /** Trying again may help (a transient failure, 4013, 1001, ...). */
      retry: boolean;
      /** Nothing listened on the port (ECONNREFUSED). */
      refused: boolean;
    };

export interface DialSettings {
  url: string;
  token: string | undefined;
  ca: string | undefined;
  rejectUnauthorized: boolean;
  servername: string | undefined;
  /** The attempt fails when no `hello` came within this long (a frozen peer accepts TCP and says nothing). */
  timeoutMs: number;
  backendId: string;
  /** The first connection (`initialize`): an auth refusal is then a configuration error. */
  initializing: boolean;
}

/**
 * One attempt to open a `vth.v1` socket: resolves once the server's `hello` arrived (the socket is then
 * the caller's) or the attempt failed, with an error typed by the close code and whether to try again.
 * `abort()` ends an attempt under way (it then resolves as failed).
 */
export function dial(settings: DialSettings): { outcome: Promise<DialOutcome>; abort: () => void } {
  const ws = new WebSocket(settings.url, [PROTOCOL_V1], {
    headers: settings.token === undefined ? {} : { authorization: `Bearer ${settings.token}` },
    handshakeTimeout: settings.timeoutMs,
    perMessageDeflate: false,
    ...(settings.ca === undefined ? {} : { ca: settings.ca }),
    rejectUnauthorized: settings.rejectUnauthorized,
    ...(settings.servername === undefined ? {} : { servername: settings.servername }),
  });
  let lastError = '';
  let refused = false;
  let settled = false;
  let resolveOutcome!: (o: DialOutcome) => void;
  const outcome = new Promise<DialOutcome>((r) => (resolveOutcome = r));
  const unavailable = (message: string) =>
    new BackendError('UNAVAILABLE', message, { dispatched: false, backendId: settings.backendId });
  const settle = (o: DialOutcome) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    ws.removeListener('message', onMessage);
    if (!o.ok) {
      // Resolve only once the socket is really gone: nothing of a failed attempt outlives it.
      if (ws.readyState === WebSocket.CLOSED) resolveOutcome(o);
      else {
        ws.once('close', () => resolveOutcome(o));
        ws.terminate();
      }
      return;
    }
    // The error listener stays: an 'error' event nobody listens to would crash the process.
    ws.removeListener('close', onClose);
    resolveOutcome(o);
  };
  const timer = setTimeout(
    () =>
      settle({
        ok: false,
        retry: true,
        refused: false,
        error: unavailable(`no answer from ${settings.url} within ${settings.timeoutMs} ms`),
      }),
    settings.timeoutMs,
  );
  const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
    if (isBinary) return;
    const decoded = decodeServerMessage(data.toString());
    if (!decoded.ok || decoded.message.type !== 'hello') return;
    if (decoded.message.protocol !== PROTOCOL_V1) {
      settle({
        ok: false,
        retry: false,
        refused: false,
        error: new BackendError('UNSUPPORTED', `the server speaks ${decoded.message.protocol}, not vth.v1`, {
          dispatched: false,
          backendId: settings.backendId,
        }),
      });
      return;
    }
    settle({ ok: true, ws, hello: decoded.message });
  };
  const onError = (error: Error & { code?: string }) => {
    lastError = error.message;
    if (error.code === 'ECONNREFUSED') refused = true;
  };
  const onClose = (code: number, reason: Buffer) => {
    if (code === 1006 || code === 1005) {
      settle({
        ok: false,
        retry: true,
        refused,
        error: unavailable(`cannot reach ${settings.url}${lastError ? `: ${lastError}` : ''}`),
      });
      return;
    }
    settle({
      ok: false,
      retry: isRetryableClose(code),
      refused: false,
      error: closeError(code, reason.toString(), settings.backendId, settings.initializing),
    });
  };
  ws.on('message', onMessage);
  ws.on('error', onError);
  ws.on('close', onClose);
  return {
    outcome,
    abort: () =>
      settle({
        ok: false,
        retry: false,
        refused: false,
        error: unavailable('the connection attempt was abandoned'),
      }),
  };
}
