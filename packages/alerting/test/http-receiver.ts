import http from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';

/** What the receiver does with a request: answer with a status (and headers), or never answer. */
export type Reply = number | { status: number; headers?: Record<string, string> } | 'hang';

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

/**
 * A real HTTP server on 127.0.0.1 for webhook tests: records every request (parsed JSON body) and answers
 * from a script (`replies`, then `fallback`). `waitFor(n)` resolves once n requests have arrived.
 */
export class HttpReceiver {
  readonly requests: Received[] = [];
  /** Requests whose connection closed without an answer from us (the client gave up). */
  abandoned = 0;
  fallback: Reply = 200;
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly waiters: Array<{ n: number; resolve: () => void }> = [];

  constructor(readonly replies: Reply[] = []) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        this.requests.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: text === '' ? undefined : JSON.parse(text),
        });
        for (const w of [...this.waiters]) {
          if (this.requests.length >= w.n) {
            this.waiters.splice(this.waiters.indexOf(w), 1);
            w.resolve();
          }
        }
        const reply = this.replies.shift() ?? this.fallback;
        if (reply === 'hang') {
          res.on('close', () => this.abandoned++);
          return;
        }
        const { status, headers } = typeof reply === 'number' ? { status: reply, headers: {} } : reply;
        res.writeHead(status, headers).end('{}');
      });
    });
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** `http://127.0.0.1:<port><path>`. */
  url(path = '/hook'): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** Open connections now. */
  get connections(): number {
    return this.sockets.size;
  }

  waitFor(n: number): Promise<void> {
    if (this.requests.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls `condition` until it holds; fails after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
