import {
  CLOSE_CODES,
  closeCodeName,
  clientProtocols,
  decodeFrame,
  decodeServerMessage,
  encodeInputFrame,
  encodeMessage,
  type ClientMessageInput,
  type ServerMessage,
} from '@vth/protocol';
import WebSocket from 'ws';
import { authHeaders, socketUrl, type ServerTarget } from './server-target';

/** Ctrl-]: the byte that detaches, as in telnet; everything else typed goes to the session. */
export const DETACH_BYTE = 0x1d;

export interface TerminalSize {
  cols: number;
  rows: number;
}

/** The local terminal, as the attachment sees it. */
export interface LocalTerminal {
  /** Keys typed (raw bytes). */
  input: NodeJS.ReadableStream;
  /** Where the session's screen goes. */
  output: NodeJS.WritableStream;
  /** The terminal's size now; undefined when it has none (not a terminal). */
  size(): TerminalSize | undefined;
  /** Calls `listener` whenever the terminal is resized; returns the unsubscribe. */
  onResize(listener: () => void): () => void;
}

/** How an attachment ended. */
export type AttachOutcome =
  | { ended: 'detached' }
  | { ended: 'session-closed'; exitCode?: number | null }
  | { ended: 'server-closing' }
  | { ended: 'failed'; code: string; message: string };

/**
 * Attaches the local terminal to a session of a `vth serve` as a writer over `vth.v1`: the session's
 * screen (a snapshot first, then the live bytes) goes to `terminal.output`, keys typed go to the session,
 * the terminal's size sizes the session. Ends on the detach key (Ctrl-]), when the session or the server
 * ends, or on `signal`; it never throws, and the socket is closed when it resolves.
 *
 * @example
 * ```ts
 * const outcome = await attachTerminal(target, 's-123', terminal, abort.signal);
 * if (outcome.ended === 'failed') console.error(outcome.message);
 * ```
 */
export function attachTerminal(
  target: ServerTarget,
  sessionId: string,
  terminal: LocalTerminal,
  signal?: AbortSignal,
): Promise<AttachOutcome> {
  return new Promise((resolve) => {
    const ws = new WebSocket(socketUrl(target), clientProtocols(), { headers: authHeaders(target) });
    let channel: number | undefined;
    let ackEvery = 64 * 1024;
    let consumed = 0;
    let acked = 0;
    let outcome: AttachOutcome | undefined;

    const send = (message: ClientMessageInput) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(encodeMessage(message));
    };
    const viewport = () => {
      const size = terminal.size();
      if (channel !== undefined && size) send({ type: 'viewport', channel, ...size, visible: true });
    };
    const onKeys = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const detachAt = bytes.indexOf(DETACH_BYTE);
      const typed = detachAt < 0 ? bytes : bytes.subarray(0, detachAt);
      if (channel !== undefined && typed.length > 0 && ws.readyState === WebSocket.OPEN) {
        ws.send(encodeInputFrame(channel, typed));
      }
      if (detachAt >= 0) finish({ ended: 'detached' });
    };
    const stopResize = terminal.onResize(viewport);
    const onAbort = () => finish({ ended: 'detached' });
    signal?.addEventListener('abort', onAbort);

    function finish(result: AttachOutcome): void {
      if (outcome !== undefined) return;
      outcome = result;
      terminal.input.off('data', onKeys);
      terminal.input.pause();
      stopResize();
      signal?.removeEventListener('abort', onAbort);
      if (result.ended === 'detached' && channel !== undefined) send({ type: 'detach', channel });
      if (ws.readyState === WebSocket.CLOSED) resolve(result);
      else {
        ws.once('close', () => resolve(result));
        ws.close(CLOSE_CODES.NORMAL);
      }
    }

    const onMessage = (message: ServerMessage) => {
      switch (message.type) {
        case 'hello': {
          ackEvery = message.flow.ackEveryBytes;
          const size = terminal.size();
          send({
            type: 'attach',
            sessionId,
            mode: 'writer',
            from: 'snapshot',
            ...(size ? { viewport: { ...size, visible: true } } : {}),
          });
          return;
        }
        case 'attached':
          channel = message.channel;
          consumed = acked = message.offset;
          terminal.input.on('data', onKeys);
          terminal.input.resume();
          return;
        case 'snapshot':
          if (message.channel !== channel) return;
          // The rendered screen replaces whatever the local terminal showed.
          terminal.output.write(`\x1b[H\x1b[2J${message.data}`);
          consumed = acked = message.offset;
          return;
        case 'detached':
          if (message.channel !== channel) return;
          if (message.reason === 'session-closed')
            finish({
              ended: 'session-closed',
              ...(message.exitCode === undefined ? {} : { exitCode: message.exitCode }),
            });
          else if (message.reason === 'server-closing') finish({ ended: 'server-closing' });
          else finish({ ended: 'detached' });
          return;
        case 'error':
          finish({ ended: 'failed', code: message.code, message: message.message });
          return;
        default:
          return;
      }
    };

    ws.on('message', (data, isBinary) => {
      if (!isBinary) {
        const decoded = decodeServerMessage(data.toString());
        if (decoded.ok) onMessage(decoded.message);
        return;
      }
      const frame = decodeFrame(data as Buffer);
      if (!frame.ok || frame.frame.kind !== 'output' || frame.frame.channel !== channel) return;
      terminal.output.write(frame.frame.data);
      consumed = frame.frame.offset + frame.frame.data.length;
      if (consumed - acked >= ackEvery && channel !== undefined) {
        acked = consumed;
        send({ type: 'ack', channel, offset: consumed });
      }
    });
    // Refused before the upgrade: a bad token (401), a forbidden origin or role (403).
    ws.on('unexpected-response', (_request, response) => {
      const status = response.statusCode ?? 0;
      response.resume();
      const code = status === 401 ? 'UNAUTHORIZED' : status === 403 ? 'FORBIDDEN' : 'UNAVAILABLE';
      const hint = status === 401 ? ' (give a token: --token or $VTH_TOKEN)' : '';
      finish({ ended: 'failed', code, message: `the server refused the connection: HTTP ${status}${hint}` });
      ws.terminate();
    });
    ws.on('error', (e: NodeJS.ErrnoException) =>
      finish({
        ended: 'failed',
        code: 'UNAVAILABLE',
        message: `cannot reach ${target.url.origin}: ${e.code ?? e.message}`,
      }),
    );
    ws.on('close', (code, reason) => {
      const why = reason.toString();
      finish({
        ended: 'failed',
        code: closeCodeName(code) ?? 'CLOSED',
        message: `the server closed the connection (${code}${why ? `: ${why}` : ''})`,
      });
    });
  });
}
