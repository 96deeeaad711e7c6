import { EventEmitter } from 'node:events';
import { BackendError, fail, ok, type BackendResult } from '@vth/core';
import {
  decodeFrame,
  decodeServerMessage,
  encodeMessage,
  isRetryableClose,
  OPERATIONS,
  type ClientMessageInput,
  type HelloMessage,
  type OperationName,
  type ServerMessage,
} from '@vth/protocol';
import type WebSocket from 'ws';
import { Backoff } from './backoff';
import { closeError, wireToError } from './close-errors';
import { socketUrl, type RemoteConfig } from './config';
import { OutputAttachment, type AttachmentHandlers } from './output-attachment';
import { dial, type DialOutcome } from './socket-dialer';

/**
 * `connecting`: the first connection; `open`: talking; `reconnecting`: lost, calls wait; `down`: the grace
 * ran out (sessions lost, calls refused) while reconnection goes on; `closed`: shut down.
 */
export type LinkState = 'new' | 'connecting' | 'open' | 'reconnecting' | 'down' | 'closed';

interface PendingRequest {
  op: OperationName;
  message: ClientMessageInput;
  /** Reached the server on some socket (the server may have acted on it). */
  sent: boolean;
  onOutput: ((chunk: string) => void) | undefined;
  resolve: (result: BackendResult<unknown>) => void;
}

export interface LinkEvents {
  state: [LinkState];
}

/**
 * The conversation with one `vth serve`, kept alive across connection losses: requests wait while the
 * socket is down and are sent again, with the same `requestId`, once it is back (the server's ledger answers
 * a repeat of a mutating request with the first answer, so nothing runs twice); viewer attachments resume
 * at the offset they had. A dead peer is found by pings (also a half-open connection). When the server
 * stays out of reach for `graceMs` (or refuses connections: its process is gone), every waiting call fails
 * and every attachment hears `closed`: the state is `down`, and reconnection goes on in the background.
 */
export class RemoteLink extends EventEmitter<LinkEvents> {
  state: LinkState = 'new';
  hello: HelloMessage | undefined;
  /** Why the link is not open, when it is not. */
  lastError: BackendError | undefined;
  /** Round trip of the last ping. */
  rttMs: number | undefined;
  private ws: WebSocket | undefined;
  private closedSocket: Promise<void> | undefined;
  private readonly pending = new Map<string, PendingRequest>();
  private readonly attachments = new Map<string, OutputAttachment>();
  private readonly channels = new Map<number, OutputAttachment>();
  private readonly backoff: Backoff;
  private heartbeat: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private abortDial: (() => void) | undefined;
  private dialing: Promise<unknown> | undefined;
  private lastHeard = 0;
  private pingSentAt = 0;
  private nextRef = 1;

  constructor(
    private readonly config: RemoteConfig,
    private readonly ca: string | undefined,
    private readonly backendId: () => string,
  ) {
    super();
    this.backoff = new Backoff(config.reconnect);
  }

  /** Connects (retrying transient failures for `connectTimeoutMs`); resolves with the server's hello. */
  async open(): Promise<BackendResult<HelloMessage>> {
    this.setState('connecting');
    const deadline = Date.now() + this.config.connectTimeoutMs;
    for (;;) {
      const outcome = await this.attempt(true);
      if (this.state === 'closed') {
        if (outcome.ok) outcome.ws.terminate();
        return fail('NOT_INITIALIZED', 'the backend was shut down while it connected', {
          backendId: this.backendId(),
        });
      }
      if (outcome.ok) {
        this.adopt(outcome.ws, outcome.hello);
        return ok(outcome.hello);
      }
      const wait = this.backoff.next();
      if (!outcome.retry || Date.now() + wait >= deadline) {
        this.lastError = outcome.error;
        return fail(outcome.error);
      }
      await new Promise<void>((resolve) => (this.retryTimer = setTimeout(resolve, wait)));
    }
  }

  /**
   * Sends a request and resolves with its result. While the socket is down it waits (and is sent once it is
   * back); once the link is `down` it fails at once, `UNAVAILABLE` and not dispatched.
   */
  request<T>(
    op: OperationName,
    params: Record<string, unknown>,
    requestId: string,
    onOutput?: (chunk: string) => void,
  ): Promise<BackendResult<T>> {
    if (this.state === 'down' || this.state === 'closed' || this.state === 'new')
      return Promise.resolve(fail(this.unreachable()));
    return new Promise<BackendResult<T>>((resolve) => {
      const entry: PendingRequest = {
        op,
        message: { type: 'request', requestId, op, params },
        sent: false,
        onOutput,
        resolve: resolve as (r: BackendResult<unknown>) => void,
      };
      this.pending.set(requestId, entry);
      if (this.state === 'open') this.sendRequest(entry);
    });
  }

  /** Follows a pane's output as a viewer, across reconnections; returns what stops it. */
  attach(sessionId: string, paneId: string | undefined, handlers: AttachmentHandlers): () => void {
    const a = new OutputAttachment(`a${this.nextRef++}`, sessionId, paneId, handlers);
    this.attachments.set(a.ref, a);
    if (this.state === 'open') this.send(a.attachMessage());
    return () => {
      if (!this.attachments.delete(a.ref)) return;
      if (a.channel === undefined) return;
      this.channels.delete(a.channel);
      this.send({ type: 'detach', channel: a.channel });
    };
  }

  /** Ends everything: timers, the socket (resolves once it is closed), waiting calls. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.setState('closed');
    clearTimeout(this.retryTimer);
    clearTimeout(this.graceTimer);
    clearInterval(this.heartbeat);
    this.abortDial?.();
    this.failPending(
      new BackendError('UNAVAILABLE', 'the backend shut down', { backendId: this.backendId() }),
    );
    this.attachments.clear();
    this.channels.clear();
    const ws = this.ws;
    this.ws = undefined;
    if (ws) {
      const gone = this.closedSocket;
      ws.close(1000, 'client shutting down');
      const force = setTimeout(() => ws.terminate(), 1000);
      await gone;
      clearTimeout(force);
    }
    await this.dialing;
  }

  // ---- connection ----

  private attempt(initializing: boolean): Promise<DialOutcome> {
    const attempt = dial({
      url: socketUrl(this.config.url),
      token: this.config.token,
      ca: this.ca,
      rejectUnauthorized: this.config.tls.rejectUnauthorized,
      servername: this.config.tls.servername,
      timeoutMs: Math.max(this.config.heartbeat.timeoutMs, 1000),
      backendId: this.backendId(),
      initializing,
    });
    this.abortDial = attempt.abort;
    const done = attempt.outcome.finally(() => (this.abortDial = undefined));
    this.dialing = done;
    return done;
  }

  private adopt(ws: WebSocket, hello: HelloMessage): void {
    this.ws = ws;
    this.hello = hello;
    this.lastError = undefined;
    this.lastHeard = Date.now();
    this.backoff.reset();
    clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    this.closedSocket = new Promise((resolve) =>
      ws.once('close', (code, reason) => {
        resolve();
        this.lost(ws, code, reason.toString());
      }),
    );
    ws.on('message', (data, isBinary) => this.receive(data as Buffer, isBinary));
    ws.on('pong', () => {
      this.lastHeard = Date.now();
      this.rttMs = this.lastHeard - this.pingSentAt;
    });
    ws.on('ping', () => (this.lastHeard = Date.now()));
    const { intervalMs, timeoutMs } = this.config.heartbeat;
    this.heartbeat = setInterval(() => {
      if (Date.now() - this.lastHeard > timeoutMs) {
        // Silent for too long: a dead or half-open peer. Terminating fires 'close' (1006), then we reconnect.
        ws.terminate();
        return;
      }
      this.pingSentAt = Date.now();
      ws.ping();
    }, intervalMs);
    this.setState('open');
    for (const a of this.attachments.values()) this.send(a.attachMessage());
    for (const entry of this.pending.values()) this.sendRequest(entry);
  }

  private lost(ws: WebSocket, code: number, reason: string): void {
    if (this.ws !== ws) return;
    this.ws = undefined;
    clearInterval(this.heartbeat);
    this.channels.clear();
    for (const a of this.attachments.values()) a.detached();
    if (this.state === 'closed') return;
    if (code !== 1006 && !isRetryableClose(code)) {
      this.goDown(closeError(code, reason, this.backendId(), false), false);
      return;
    }
    this.lastError = new BackendError(
      'UNAVAILABLE',
      `lost the connection to ${this.config.url} (close ${code})`,
      {
        dispatched: false,
        backendId: this.backendId(),
      },
    );
    this.setState('reconnecting');
    this.graceTimer ??= setTimeout(
      () =>
        this.goDown(
          new BackendError(
            'UNAVAILABLE',
            `${this.config.url} stayed out of reach for ${this.config.graceMs} ms`,
            {
              backendId: this.backendId(),
            },
          ),
          true,
        ),
      this.config.graceMs,
    );
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.retryTimer = setTimeout(() => void this.reconnect(), this.backoff.next());
  }

  private async reconnect(): Promise<void> {
    const outcome = await this.attempt(false);
    if (this.state === 'closed') {
      if (outcome.ok) outcome.ws.terminate();
      return;
    }
    if (outcome.ok) {
      this.adopt(outcome.ws, outcome.hello);
      return;
    }
    if (outcome.refused && this.config.endOnRefused && this.state === 'reconnecting') {
      this.goDown(
        new BackendError('UNAVAILABLE', `${this.config.url} refused the connection: the server is gone`, {
          backendId: this.backendId(),
        }),
        true,
      );
    } else if (!outcome.retry) {
      this.goDown(outcome.error, false);
      return;
    }
    this.scheduleReconnect();
  }

  /** The server is lost: calls waiting fail, sessions end. `retry`: keep reconnecting meanwhile. */
  private goDown(error: BackendError, retry: boolean): void {
    clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    this.lastError = error;
    if (!retry) clearTimeout(this.retryTimer);
    if (this.state === 'down') return;
    this.setState('down');
    this.failPending(error);
    const attachments = [...this.attachments.values()];
    this.attachments.clear();
    this.channels.clear();
    for (const a of attachments) a.closed('crashed', undefined);
  }

  private failPending(error: BackendError): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      // A mutating request the server got may have run: never claim it did not.
      const dispatched = p.sent && OPERATIONS[p.op].mutating;
      p.resolve(
        fail(dispatched ? 'BACKEND_CRASHED' : 'UNAVAILABLE', `${p.op}: ${error.message}`, {
          dispatched,
          backendId: this.backendId(),
          ...(error.details ? { details: error.details } : {}),
        }),
      );
    }
  }

  private unreachable(): BackendError {
    if (this.state === 'closed' || this.state === 'new')
      return new BackendError('NOT_INITIALIZED', 'the remote backend is not connected', {
        dispatched: false,
        backendId: this.backendId(),
      });
    const cause = this.lastError;
    return new BackendError(
      cause && cause.code !== 'UNAVAILABLE' ? cause.code : 'UNAVAILABLE',
      cause?.message ?? `${this.config.url} is out of reach`,
      { dispatched: false, backendId: this.backendId() },
    );
  }

  private setState(state: LinkState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', state);
  }

  // ---- messages ----

  private send(message: ClientMessageInput): void {
    this.ws?.send(encodeMessage(message));
  }

  private sendRequest(entry: PendingRequest): void {
    entry.sent = true;
    this.send(entry.message);
  }

  private receive(data: Buffer, isBinary: boolean): void {
    this.lastHeard = Date.now();
    if (isBinary) return this.receiveFrame(data);
    const text = data.toString('utf8');
    const decoded = decodeServerMessage(text);
    if (decoded.ok) this.handle(decoded.message);
    else this.malformedResult(text, decoded.problem.message);
  }

  /**
   * A result the protocol refuses (a broken or hostile server) still ends the call it names, at once and
   * typed, rather than leaving it to wait for an answer that already came. Anything else malformed is
   * dropped: it names no call.
   */
  private malformedResult(text: string, why: string): void {
    let requestId: unknown;
    try {
      const raw = JSON.parse(text) as { type?: unknown; requestId?: unknown } | null;
      if (raw?.type === 'result') requestId = raw.requestId;
    } catch {
      return;
    }
    const entry = typeof requestId === 'string' ? this.pending.get(requestId) : undefined;
    if (!entry) return;
    this.pending.delete(requestId as string);
    entry.resolve(
      fail('INTERNAL', `the server answered ${entry.op} with a malformed result: ${why}`, {
        dispatched: true,
        backendId: this.backendId(),
      }),
    );
  }

  private receiveFrame(data: Buffer): void {
    const decoded = decodeFrame(data);
    if (!decoded.ok || decoded.frame.kind !== 'output') return;
    const { channel, offset, data: bytes } = decoded.frame;
    const a = this.channels.get(channel);
    const ackEvery = this.hello?.flow.ackEveryBytes ?? 64 * 1024;
    const ack = a?.frame(offset, bytes, ackEvery);
    if (ack !== undefined) this.send({ type: 'ack', channel, offset: ack });
  }

  private handle(m: ServerMessage): void {
    switch (m.type) {
      case 'result': {
        const entry = this.pending.get(m.requestId);
        if (!entry) return;
        this.pending.delete(m.requestId);
        entry.resolve(m.ok ? ok(m.value) : fail(wireToError(m.error, this.backendId())));
        return;
      }
      case 'output':
        this.pending.get(m.requestId)?.onOutput?.(m.data);
        return;
      case 'attached': {
        const a = m.ref === undefined ? undefined : this.attachments.get(m.ref);
        if (!a) {
          // Detached before the server answered: let go of the channel.
          this.send({ type: 'detach', channel: m.channel });
          return;
        }
        a.attached(m.channel, m.offset);
        this.channels.set(m.channel, a);
        return;
      }
      case 'detached': {
        const a = this.channels.get(m.channel);
        if (!a || m.reason === 'server-closing') return;
        this.channels.delete(m.channel);
        this.attachments.delete(a.ref);
        if (m.reason === 'session-closed') a.closed(m.closeReason, m.exitCode);
        return;
      }
      case 'error': {
        // An attach the server refused: the session is gone on its side.
        const a = m.ref === undefined ? undefined : this.attachments.get(m.ref);
        if (!a || m.code !== 'SESSION_NOT_FOUND') return;
        this.attachments.delete(a.ref);
        a.closed(undefined, undefined);
        return;
      }
      default:
        return;
    }
  }
}
