import { WebSocket, WebSocketServer, type RawData } from 'ws';

/**
 * A WebSocket relay on 127.0.0.1 in front of a real vth server that can rewrite what the server sends
 * (a hostile or broken server): `rewrite` gets each text message and returns what the client receives.
 */
export class RewritingRelay {
  private server: WebSocketServer | undefined;
  private readonly sockets = new Set<WebSocket>();
  port = 0;

  constructor(
    private readonly target: string,
    private readonly rewrite: (text: string) => string,
  ) {}

  async start(): Promise<this> {
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      handleProtocols: (protocols) => [...protocols][0] ?? false,
    });
    this.server = server;
    await new Promise<void>((resolve) => server.once('listening', resolve));
    this.port = (server.address() as { port: number }).port;
    server.on('connection', (client, request) => {
      const upstream = new WebSocket(`${this.target}${request.url ?? ''}`, client.protocol || [], {
        headers: request.headers.authorization ? { authorization: request.headers.authorization } : {},
      });
      this.sockets.add(client).add(upstream);
      const queued: Array<[RawData, boolean]> = [];
      client.on('message', (data, isBinary) => {
        if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary: isBinary });
        else queued.push([data, isBinary]);
      });
      upstream.on('open', () => {
        for (const [data, isBinary] of queued.splice(0)) upstream.send(data, { binary: isBinary });
      });
      upstream.on('message', (data, isBinary) =>
        client.send(isBinary ? data : this.rewrite(data.toString()), { binary: isBinary }),
      );
      const end = () => {
        client.terminate();
        upstream.terminate();
      };
      client.on('close', end);
      upstream.on('close', end);
      client.on('error', end);
      upstream.on('error', end);
    });
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
