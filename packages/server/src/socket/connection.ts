import { type BackendResult } from '@vth/core';
import {
  CLOSE_CODES,
  decodeClientMessage,
  decodeFrame,
  type AttachMessage,
  type ClientMessage,
  type HelloMessage,
  type ProtocolErrorCode,
  type ServerMessage,
  type Topic,
} from '@vth/protocol';
import { type WebSocket } from 'ws';
import { type Identity } from '../auth/identity';
import { type EventHub } from '../observability/event-hub';
import { type ServerMetrics } from '../observability/server-metrics';
import { type OperationContext } from '../requests/operation-context';
import { type OperationRunner } from '../requests/operation-runner';
import { accessSession } from '../requests/session-access';
import { type ServerConfig } from '../server-config';
import { type Channel } from '../stream/channel';
import { type SessionStream } from '../stream/session-stream';
import { InputQueue } from './input-queue';
import { type MetricsTopic } from './metrics-topic';

export interface ConnectionDeps {
  config: ServerConfig;
  ctx: OperationContext;
  runner: OperationRunner;
  events: EventHub;
  metricsTopic: MetricsTopic;
  metrics: ServerMetrics;
  hello: (identity: Identity) => HelloMessage;
}

interface Attachment {
  channel: Channel;
  stream: SessionStream;
  release: () => void;
  input: InputQueue | undefined;
}

/**
 * One WebSocket connection speaking `vth.v1`: the hello, attachments (channels) with their flow control,
 * typed input, operations, topic subscriptions, keepalive, and an error budget. Nothing a client sends can
 * throw out of it: a bad message gets a typed `error`, and too many of them close the connection (4009).
 */
export class Connection {
  private readonly attachments = new Map<number, Attachment>();
  private readonly topics = new Map<Topic, () => void>();
  private nextChannel = 1;
  private errors = 0;
  private lastSeen = Date.now();
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly identity: Identity,
    private readonly deps: ConnectionDeps,
  ) {}

  start(): void {
    this.send(this.deps.hello(this.identity));
    this.ws.on('message', (data, isBinary) => this.receive(data as Buffer, isBinary));
    this.ws.on('pong', () => (this.lastSeen = Date.now()));
    this.ws.on('close', () => this.cleanup());
    this.ws.on('error', () => this.cleanup());
    const { intervalMs, timeoutMs } = this.deps.config.heartbeat;
    this.heartbeat = setInterval(() => {
      if (Date.now() - this.lastSeen > timeoutMs) {
        this.close(CLOSE_CODES.HEARTBEAT_TIMEOUT, 'no pong within the heartbeat timeout');
        this.ws.terminate();
        return;
      }
      this.ws.ping();
    }, intervalMs);
    this.heartbeat.unref();
  }

  /** Closes with a code (and detaches everything). */
  close(code: number, reason: string): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING)
      this.ws.close(code, reason);
    this.cleanup();
  }

  /** Attaches before the first message, for a URL that names a session (`?session=...`). */
  async attachFromUrl(message: AttachMessage): Promise<void> {
    await this.attach(message, true);
  }

  private send(message: ServerMessage): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    const text = JSON.stringify(message);
    this.deps.metrics.traffic.sentControl.inc(text.length);
    this.ws.send(text);
  }

  private sendBinary(frame: Uint8Array): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(frame, { binary: true });
  }

  private problem(
    code: ProtocolErrorCode,
    message: string,
    extra: Partial<Extract<ServerMessage, { type: 'error' }>> = {},
  ): void {
    this.deps.metrics.protocolErrors.inc({ code });
    this.send({ type: 'error', code, message, ...extra });
    if (++this.errors > this.deps.config.limits.maxProtocolErrors)
      this.close(CLOSE_CODES.PROTOCOL_ERROR, 'too many protocol errors');
  }

  private receive(data: Buffer, isBinary: boolean): void {
    this.lastSeen = Date.now();
    if (this.closed) return;
    try {
      const traffic = this.deps.metrics.traffic;
      (isBinary ? traffic.receivedInput : traffic.receivedControl).inc(data.length);
      if (data.length > this.deps.config.limits.maxMessageBytes) {
        this.problem(
          'TOO_LARGE',
          `message of ${data.length} bytes is over the ${this.deps.config.limits.maxMessageBytes}-byte limit`,
        );
        return;
      }
      if (isBinary) this.receiveFrame(data);
      else this.receiveText(data.toString('utf8'));
    } catch (e) {
      this.problem(
        'INTERNAL',
        `the server failed on this message: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  private receiveFrame(data: Buffer): void {
    const decoded = decodeFrame(data);
    if (!decoded.ok) {
      this.problem(
        decoded.problem.code === 'UNKNOWN_FRAME_KIND' ? 'UNKNOWN_TYPE' : 'BAD_MESSAGE',
        decoded.problem.message,
      );
      return;
    }
    const { frame } = decoded;
    if (frame.kind !== 'input') {
      this.problem('BAD_MESSAGE', 'clients send input frames only');
      return;
    }
    const a = this.attachments.get(frame.channel);
    if (!a)
      return this.problem('UNKNOWN_CHANNEL', `no channel ${frame.channel} on this connection`, {
        channel: frame.channel,
      });
    if (!a.input) return this.problem('FORBIDDEN', 'a viewer cannot type', { channel: frame.channel });
    if (!a.input.push(frame.data))
      this.problem('OVERLOADED', 'too much input queued for this session', { channel: frame.channel });
  }

  private receiveText(text: string): void {
    const decoded = decodeClientMessage(text, this.deps.config.limits.maxMessageBytes);
    if (!decoded.ok) {
      const ref = refOf(text);
      this.problem(decoded.problem.code, decoded.problem.message, {
        ...(ref === undefined ? {} : { ref }),
        ...(decoded.problem.issues ? { details: { issues: decoded.problem.issues } } : {}),
      });
      return;
    }
    this.handle(decoded.message);
  }

  private handle(m: ClientMessage): void {
    switch (m.type) {
      case 'attach':
        void this.attach(m, false);
        return;
      case 'detach': {
        const a = this.attachments.get(m.channel);
        if (!a) return this.problem('UNKNOWN_CHANNEL', `no channel ${m.channel}`, { channel: m.channel });
        this.drop(a);
        this.send({ type: 'detached', channel: m.channel, reason: 'requested', offset: a.channel.sent });
        return;
      }
      case 'ack': {
        const a = this.attachments.get(m.channel);
        if (!a) return this.problem('UNKNOWN_CHANNEL', `no channel ${m.channel}`, { channel: m.channel });
        if (!a.stream.ack(a.channel, m.offset))
          this.problem('BAD_MESSAGE', `ack of offset ${m.offset} beyond what was sent (${a.channel.sent})`, {
            channel: m.channel,
          });
        return;
      }
      case 'viewport': {
        const a = this.attachments.get(m.channel);
        if (!a) return this.problem('UNKNOWN_CHANNEL', `no channel ${m.channel}`, { channel: m.channel });
        if (a.channel.mode !== 'writer')
          return this.problem('FORBIDDEN', 'a viewer cannot resize', { channel: m.channel });
        a.stream.setViewport(a.channel, { cols: m.cols, rows: m.rows, visible: m.visible });
        return;
      }
      case 'request':
        void this.request(m.requestId, m.op, m.params);
        return;
      case 'subscribe':
        this.subscribe(m.topic, m.since);
        return;
      case 'unsubscribe':
        this.topics.get(m.topic)?.();
        this.topics.delete(m.topic);
        return;
      case 'ping':
        this.send({ type: 'pong', ...(m.t === undefined ? {} : { t: m.t }) });
        return;
    }
  }

  private async attach(m: AttachMessage, fromUrl: boolean): Promise<void> {
    const ref = m.ref === undefined ? {} : { ref: m.ref };
    if (this.attachments.size >= this.deps.config.limits.maxAttachmentsPerConnection)
      return this.problem('OVERLOADED', 'too many attachments on this connection', ref);
    const found = await accessSession(this.deps.ctx, this.identity, m.sessionId);
    if (this.closed) return;
    if (!found.ok) {
      if (fromUrl) return this.close(CLOSE_CODES.SESSION_NOT_FOUND, found.error.message.slice(0, 120));
      return this.problem('SESSION_NOT_FOUND', found.error.message, ref);
    }
    const session = found.value;
    const stream = this.deps.ctx.registry.stream(session, m.paneId);
    const id = this.nextChannel++;
    const channel: Channel = {
      id,
      mode: m.mode,
      sent: 0,
      acked: 0,
      state: 'snapshotting',
      viewport: m.mode === 'writer' && m.viewport ? m.viewport : undefined,
      announced: false,
      sink: {
        sendBinary: (frame) => this.sendBinary(frame),
        sendMessage: (message) => this.send(message),
        bufferedAmount: () => this.ws.bufferedAmount,
        // Else the ended session's stream (its ring) stays held, and the channel counts against the limit.
        ended: () => this.drop(attachment),
      },
      onSent: (n) => this.deps.metrics.traffic.sentOutput.inc(n),
    };
    const release = this.deps.ctx.registry.hold(session, 'attachments');
    const input =
      m.mode === 'writer'
        ? new InputQueue(
            this.deps.config.limits.maxQueuedInputBytes,
            (text) => this.deps.ctx.backend.sendInput(session.id, text, stream.paneId),
            (error) =>
              this.problem('INPUT_REFUSED', error.message, { channel: id, details: { code: error.code } }),
          )
        : undefined;
    const attachment: Attachment = { channel, stream, release, input };
    this.attachments.set(id, attachment);
    this.deps.metrics.attachments.inc({ mode: m.mode });
    const attached = await stream.attach(channel, m.from, (outcome) =>
      this.send({
        type: 'attached',
        ...ref,
        channel: id,
        sessionId: session.id,
        paneId: stream.paneId,
        mode: m.mode,
        start: outcome.start,
        offset: outcome.offset,
        oldest: stream.ring.start,
        cols: stream.cols,
        rows: stream.rows,
      }),
    );
    if (!attached && this.attachments.has(id)) {
      this.drop(this.attachments.get(id)!);
      if (fromUrl) return this.close(CLOSE_CODES.SESSION_NOT_FOUND, `no session "${session.id}"`);
      this.problem('SESSION_NOT_FOUND', `no session "${session.id}"`, ref);
    }
  }

  private drop(a: Attachment): void {
    if (!this.attachments.delete(a.channel.id)) return;
    a.stream.detach(a.channel);
    a.release();
    this.deps.metrics.attachments.dec({ mode: a.channel.mode });
  }

  private async request(requestId: string, op: string, params: Record<string, unknown>): Promise<void> {
    const streaming = params.stream === true;
    let dropped = 0;
    const result: BackendResult<unknown> = await this.deps.runner.run(
      {
        identity: this.identity,
        transport: 'ws',
        ...(streaming
          ? {
              onOutput: (data: string) => {
                // A socket that cannot keep up loses streamed chunks, never the result (which has the output).
                if (this.ws.bufferedAmount > this.deps.config.flow.highWatermark) {
                  dropped++;
                  return;
                }
                this.send({ type: 'output', requestId, data, ...(dropped ? { dropped } : {}) });
              },
              onProgress: (event: string, data: unknown) =>
                this.send({ type: 'progress', requestId, event, data }),
            }
          : {}),
      },
      op,
      params,
      requestId,
    );
    if (result.ok) this.send({ type: 'result', requestId, ok: true, value: result.value ?? null });
    else this.send({ type: 'result', requestId, ok: false, error: result.error.toJSON() as never });
  }

  private subscribe(topic: Topic, since: number | undefined): void {
    this.topics.get(topic)?.();
    if (topic === 'metrics') {
      if (this.identity.role !== 'admin')
        return this.problem('FORBIDDEN', 'the metrics topic needs the admin role');
      this.topics.set(
        topic,
        this.deps.metricsTopic.subscribe((m) => this.send(m)),
      );
      this.send({ type: 'subscribed', topic });
      return;
    }
    const sub = this.deps.events.subscribe(this.identity, (m) => this.send(m), since);
    this.topics.set(topic, sub.stop);
    this.send({
      type: 'subscribed',
      topic,
      seq: sub.seq,
      ...(since === undefined ? {} : { missed: sub.missed }),
    });
  }

  private cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const a of [...this.attachments.values()]) this.drop(a);
    for (const stop of this.topics.values()) stop();
    this.topics.clear();
  }
}

/** The `ref` of an attach message that failed validation, so the client can match the error. */
function refOf(text: string): string | undefined {
  try {
    const v = JSON.parse(text) as { ref?: unknown };
    return typeof v?.ref === 'string' && v.ref.length <= 64 ? v.ref : undefined;
  } catch {
    return undefined;
  }
}
