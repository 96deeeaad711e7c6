import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  createConnection,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from 'node:net';

/** `a` compared with `b` as `major.minor`, as the engine's version middleware compares them. */
function compare(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am - bm || an - bn;
}

/**
 * A stand-in for a Docker Engine on a unix socket, just enough for `initialize`, `getHealth` and the platform
 * check: `/_ping` answers with an `API-Version` header (as every engine does), and a versioned path outside
 * [min, max] is refused with status 400 and the message of the real engine's version middleware (what Docker
 * Engine 29, API 1.52 with a minimum of 1.44, says to a client pinned to 1.41).
 */
export class FakeEngine {
  readonly requests: string[] = [];
  private server: Server | null = null;

  constructor(
    readonly socketPath: string,
    private readonly versions: { max: string; min: string },
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.answer(req, res));
    await new Promise<void>((resolve) => this.server!.listen(this.socketPath, resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
    this.server = null;
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    this.requests.push(`${req.method} ${url}`);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'API-Version': this.versions.max });
      res.end(JSON.stringify(body));
    };
    const m = /^\/v(\d+\.\d+)(\/.*)$/.exec(url);
    const version = m?.[1];
    const path = m ? m[2]! : url;
    if (version && compare(version, this.versions.min) < 0) {
      return json(400, {
        message: `client version ${version} is too old. Minimum supported API version is ${this.versions.min}, please upgrade your client to a newer version`,
      });
    }
    if (version && compare(version, this.versions.max) > 0) {
      return json(400, {
        message: `client version ${version} is too new. Maximum supported API version is ${this.versions.max}`,
      });
    }
    if (path === '/_ping') {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'API-Version': this.versions.max });
      return void res.end('OK');
    }
    if (path === '/version') {
      return json(200, {
        Version: '29.0.0',
        ApiVersion: this.versions.max,
        MinAPIVersion: this.versions.min,
        Components: [{ Name: 'Engine' }],
      });
    }
    if (path === '/info') return json(200, { MemTotal: 8 * 2 ** 30, NCPU: 4 });
    if (/^\/images\/[^/]+\/json$/.test(path))
      return json(200, { Id: `sha256:${'0'.repeat(64)}`, Config: {} });
    if (path.startsWith('/containers/json')) return json(200, []);
    return json(404, { message: 'page not found' });
  }
}

/** A unix socket that forwards every connection to the real engine's socket (an engine found elsewhere). */
export class SocketRelay {
  private server: NetServer | null = null;
  private readonly sockets = new Set<Socket>();
  connections = 0;

  constructor(
    readonly socketPath: string,
    private readonly target = '/var/run/docker.sock',
  ) {}

  async start(): Promise<void> {
    this.server = createNetServer((client) => {
      this.connections++;
      const upstream = createConnection(this.target);
      this.sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.socketPath, resolve));
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
    this.server = null;
  }
}
