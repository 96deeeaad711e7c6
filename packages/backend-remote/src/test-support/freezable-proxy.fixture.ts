import { connect, createServer, type Server, type Socket } from 'node:net';

interface Pair {
  client: Socket;
  upstream: Socket | undefined;
}

/**
 * A TCP proxy on 127.0.0.1 in front of a port, for tests of connection loss: `drop()` cuts every connection
 * (both sides, as a reset would); `freeze()` stops forwarding in both directions without closing anything
 * (a half-open connection: the peer vanished without a FIN), and holds new connections unanswered until
 * `thaw()`.
 */
export class FreezableProxy {
  private readonly pairs = new Set<Pair>();
  private frozen = false;
  private server: Server | undefined;
  port = 0;
  /** Connections accepted so far (a reconnection raises it). */
  accepted = 0;

  constructor(private readonly targetPort: number) {}

  async start(): Promise<this> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Connections accepted and open. */
  get connections(): number {
    return this.pairs.size;
  }

  freeze(): void {
    this.frozen = true;
    for (const p of this.pairs) {
      p.client.pause();
      p.upstream?.pause();
    }
  }

  thaw(): void {
    this.frozen = false;
    for (const p of this.pairs) {
      if (!p.upstream) this.link(p);
      p.client.resume();
      p.upstream?.resume();
    }
  }

  drop(): void {
    for (const p of [...this.pairs]) this.end(p);
  }

  async close(): Promise<void> {
    this.drop();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(client: Socket): void {
    this.accepted++;
    const pair: Pair = { client, upstream: undefined };
    this.pairs.add(pair);
    client.on('error', () => this.end(pair));
    client.on('close', () => this.end(pair));
    if (this.frozen) client.pause();
    else this.link(pair);
  }

  private link(pair: Pair): void {
    const upstream = connect(this.targetPort, '127.0.0.1');
    pair.upstream = upstream;
    upstream.on('error', () => this.end(pair));
    upstream.on('close', () => this.end(pair));
    pair.client.on('data', (d) => {
      if (!this.frozen) upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (!this.frozen) pair.client.write(d);
    });
  }

  private end(pair: Pair): void {
    if (!this.pairs.delete(pair)) return;
    pair.client.destroy();
    pair.upstream?.destroy();
  }
}
