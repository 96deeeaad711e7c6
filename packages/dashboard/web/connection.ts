import {
  clientProtocols,
  decodeFrame,
  decodeServerMessage,
  encodeInputFrame,
  encodeMessage,
  type ClientMessageInput,
  type HelloMessage,
  type ServerMessage,
} from '@vth/protocol';

/** What an operation answers: `{ ok: true, value }` or `{ ok: false, error }`, as the server sends it. */
export type OpResult<T = unknown> =
  | { ok: true; value: T }
  | { ok: false; error: { code: string; message: string; details?: Record<string, unknown> } };

type Listener = (message: ServerMessage) => void;
export type OutputListener = (channel: number, offset: number, data: Uint8Array) => void;

interface Pending {
  resolve: (r: OpResult) => void;
  onProgress?: ((event: string, data: unknown) => void) | undefined;
}

let counter = 0;
/** Request ids are also idempotency keys: unique per page load and call. */
function requestId(): string {
  counter += 1;
  return `dash-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}-${counter}`;
}

/**
 * One `vth.v1` WebSocket to the server that served the page: operations (`request`), topics and
 * terminal channels. Every message received is checked against the protocol's schemas.
 */
export class Connection {
  hello: HelloMessage | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly listeners = new Set<Listener>();
  private readonly outputs = new Set<OutputListener>();
  private closedWith: { code: number; reason: string } | undefined;

  private constructor(private readonly ws: WebSocket) {
    ws.binaryType = 'arraybuffer';
    ws.addEventListener('message', (e: MessageEvent) => this.receive(e.data as string | ArrayBuffer));
    ws.addEventListener('close', (e: CloseEvent) => {
      this.closedWith = { code: e.code, reason: e.reason };
      for (const p of this.pending.values())
        p.resolve({ ok: false, error: { code: 'UNAVAILABLE', message: `connection closed (${e.code})` } });
      this.pending.clear();
      this.emit({ type: 'error', code: 'INTERNAL', message: `closed ${e.code}` } as ServerMessage);
    });
  }

  /** Opens the socket (with an attach token, when the server needs one) and waits for `hello`. */
  static open(attachToken?: string): Promise<Connection> {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/ws`;
    const ws = new WebSocket(url, clientProtocols(attachToken));
    const conn = new Connection(ws);
    return new Promise((resolve, reject) => {
      const stop = conn.on((m) => {
        if (m.type === 'hello') {
          conn.hello = m;
          stop();
          resolve(conn);
        }
      });
      ws.addEventListener('close', (e) => reject(new Error(`the server closed the connection (${e.code})`)));
    });
  }

  get closed(): { code: number; reason: string } | undefined {
    return this.closedWith;
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onOutput(listener: OutputListener): () => void {
    this.outputs.add(listener);
    return () => this.outputs.delete(listener);
  }

  send(message: ClientMessageInput): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(encodeMessage(message));
  }

  type(channel: number, text: string): void {
    if (this.ws.readyState === WebSocket.OPEN)
      this.ws.send(encodeInputFrame(channel, new TextEncoder().encode(text)));
  }

  /** Runs an operation; `onProgress` gets the steps of a streamed one (a hot swap). */
  request<T = unknown>(
    op: string,
    params: Record<string, unknown> = {},
    onProgress?: (event: string, data: unknown) => void,
  ): Promise<OpResult<T>> {
    const id = requestId();
    return new Promise((resolve) => {
      if (this.ws.readyState !== WebSocket.OPEN) {
        resolve({ ok: false, error: { code: 'UNAVAILABLE', message: 'not connected' } });
        return;
      }
      this.pending.set(id, { resolve: resolve as (r: OpResult) => void, onProgress });
      this.send({ type: 'request', requestId: id, op, params });
    });
  }

  close(): void {
    this.ws.close(1000);
  }

  private receive(data: string | ArrayBuffer): void {
    if (typeof data !== 'string') {
      const f = decodeFrame(data);
      if (f.ok && f.frame.kind === 'output')
        for (const l of this.outputs) l(f.frame.channel, f.frame.offset, f.frame.data);
      return;
    }
    const decoded = decodeServerMessage(data);
    if (!decoded.ok) return;
    const m = decoded.message;
    if (m.type === 'result') {
      const p = this.pending.get(m.requestId);
      if (p) {
        this.pending.delete(m.requestId);
        p.resolve(m.ok ? { ok: true, value: m.value } : { ok: false, error: m.error });
      }
    } else if (m.type === 'progress') this.pending.get(m.requestId)?.onProgress?.(m.event, m.data);
    this.emit(m);
  }

  private emit(m: ServerMessage): void {
    for (const l of [...this.listeners]) l(m);
  }
}
