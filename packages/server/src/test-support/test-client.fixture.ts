import {
  decodeFrame,
  decodeServerMessage,
  encodeInputFrame,
  PROTOCOL_V1,
  type ClientMessageInput,
  type ServerMessage,
} from '@vth/protocol';
import WebSocket from 'ws';

export interface ReceivedOutput {
  channel: number;
  offset: number;
  data: Buffer;
}

export interface ClientOptions {
  token?: string;
  origin?: string;
  protocols?: string[];
  /** Acknowledge output as it arrives (default true). */
  autoAck?: boolean;
  /** Answer the server's pings (default true): off to play a dead peer. */
  autoPong?: boolean;
  headers?: Record<string, string>;
  /** Certificates to trust (a test's self-signed one) for `wss:`. */
  ca?: string;
}

/**
 * A `vth.v1` client for tests: keeps every message and output frame, checks what the server sends
 * against the protocol's schemas, and waits on conditions (never on time).
 */
export class TestClient {
  readonly messages: ServerMessage[] = [];
  readonly output: ReceivedOutput[] = [];
  readonly invalid: string[] = [];
  closeCode: number | undefined;
  closeReason = '';
  autoAck: boolean;
  private waiters: Array<() => void> = [];
  private seq = 0;

  private constructor(
    readonly ws: WebSocket,
    autoAck: boolean,
  ) {
    this.autoAck = autoAck;
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        const decoded = decodeFrame(data as Buffer);
        if (decoded.ok && decoded.frame.kind === 'output') {
          const f = decoded.frame;
          this.output.push({ channel: f.channel, offset: f.offset, data: Buffer.from(f.data) });
          if (this.autoAck) this.send({ type: 'ack', channel: f.channel, offset: f.offset + f.data.length });
        } else this.invalid.push('binary');
      } else {
        const decoded = decodeServerMessage(data.toString());
        if (decoded.ok) this.messages.push(decoded.message);
        else this.invalid.push(`${decoded.problem.message}: ${data.toString().slice(0, 200)}`);
      }
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason.toString();
      this.wake();
    });
    ws.on('error', () => this.wake());
  }

  static connect(url: string, options: ClientOptions = {}): Promise<TestClient> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}`, options.protocols ?? [PROTOCOL_V1], {
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.origin ? { origin: options.origin } : {}),
        ...options.headers,
      },
      autoPong: options.autoPong ?? true,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    });
    const client = new TestClient(ws, options.autoAck ?? true);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves once `check` answers something other than undefined/false; fails after `ms` (a hang guard). */
  async until<T>(check: () => T | undefined | false, what: string, ms = 20_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = check();
      if (v !== undefined && v !== false) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, Math.min(50, deadline - Date.now())));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  message<T extends ServerMessage['type']>(
    type: T,
    match: (m: Extract<ServerMessage, { type: T }>) => boolean = () => true,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    return this.until(
      () =>
        this.messages.find(
          (m): m is Extract<ServerMessage, { type: T }> => m.type === type && match(m as never),
        ),
      `a "${type}" message`,
    );
  }

  send(message: ClientMessageInput | Record<string, unknown>): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  type(channel: number, text: string): void {
    this.ws.send(encodeInputFrame(channel, Buffer.from(text)), { binary: true });
  }

  /** Sends an operation and waits for its result. */
  async request(
    op: string,
    params: Record<string, unknown> = {},
    requestId = `r-${++this.seq}-${Date.now()}`,
  ) {
    const from = this.messages.length;
    this.send({ type: 'request', requestId, op, params });
    return this.until(
      () =>
        this.messages
          .slice(from)
          .find(
            (m): m is Extract<ServerMessage, { type: 'result' }> =>
              m.type === 'result' && m.requestId === requestId,
          ),
      `the result of ${op}`,
    );
  }

  /** Creates a session (`session.create`) and answers its id; throws the error of a refusal. */
  async newSession(options: Record<string, unknown> = {}): Promise<string> {
    const r = await this.request('session.create', { options });
    if (!r.ok) throw new Error(`session.create failed: ${JSON.stringify(r.error)}`);
    return (r.value as { id: string }).id;
  }

  /** Resolves once the server has handled everything sent before: it answers pings in order. */
  async roundTrip(): Promise<void> {
    const t = ++this.seq;
    this.send({ type: 'ping', t });
    await this.message('pong', (m) => m.t === t);
  }

  async attach(
    sessionId: string,
    mode: 'writer' | 'viewer',
    from: number | 'snapshot' | 'live' = 'snapshot',
    extra: Record<string, unknown> = {},
  ) {
    const ref = `a-${++this.seq}`;
    this.send({ type: 'attach', ref, sessionId, mode, from, ...extra });
    return this.until(
      () => this.messages.find((m) => (m.type === 'attached' || m.type === 'error') && m.ref === ref),
      `the answer to attach ${ref}`,
    );
  }

  /** The bytes received on a channel, in order, checking that each frame starts where the last ended. */
  bytes(channel: number): { start: number; end: number; data: Buffer } {
    const frames = this.output.filter((o) => o.channel === channel);
    if (frames.length === 0) return { start: 0, end: 0, data: Buffer.alloc(0) };
    for (let i = 1; i < frames.length; i++)
      if (frames[i]!.offset !== frames[i - 1]!.offset + frames[i - 1]!.data.length)
        throw new Error(
          `gap or repeat on channel ${channel} at frame ${i}: ${frames[i - 1]!.offset}+${frames[i - 1]!.data.length} then ${frames[i]!.offset}`,
        );
    const data = Buffer.concat(frames.map((f) => f.data));
    return { start: frames[0]!.offset, end: frames[0]!.offset + data.length, data };
  }

  text(channel: number): string {
    return this.bytes(channel).data.toString('utf8');
  }

  closed(): Promise<number> {
    return this.until(() => this.closeCode, 'the connection to close');
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }

  /** Drops the TCP connection without a close frame (a network failure). */
  kill(): void {
    this.ws.terminate();
  }
}
