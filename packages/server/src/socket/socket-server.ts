import { type IncomingMessage } from 'node:http';
import { type Duplex } from 'node:stream';
import {
  attachMessageSchema,
  CLOSE_CODES,
  negotiateProtocol,
  tokenFromProtocols,
  TOKEN_PROTOCOL_PREFIX,
} from '@vth/protocol';
import { WebSocketServer, type WebSocket } from 'ws';
import { type Authenticator } from '../auth/authenticator';
import { type Identity } from '../auth/identity';
import { Connection, type ConnectionDeps } from './connection';

/** The path of the WebSocket endpoint. */
export const SOCKET_PATH = '/v1/ws';

/**
 * Accepts WebSocket upgrades on {@link SOCKET_PATH}: negotiates the protocol version, authenticates (bearer
 * header, `vth.token.` subprotocol or `token` query parameter), enforces the connection limits, and starts
 * a {@link Connection}. A refused client still completes the handshake and is then closed with a vth close
 * code (4001 auth, 4003 forbidden, 4005 version, 4013 overloaded): a browser cannot read an HTTP status.
 * `?session=<id>&mode=viewer|writer&from=snapshot|live|<offset>` attaches at once (4004 if no such session).
 */
export class SocketServer {
  private readonly wss: WebSocketServer;
  private readonly connections = new Map<Connection, Identity>();

  constructor(
    private readonly auth: Authenticator,
    private readonly deps: ConnectionDeps,
    private readonly secure: boolean,
  ) {
    this.wss = new WebSocketServer({
      noServer: true,
      // Beyond 4x the soft limit, ws closes with 1009 itself; up to it, the client gets a TOO_LARGE error.
      maxPayload: deps.config.limits.maxMessageBytes * 4,
      perMessageDeflate: false,
      handleProtocols: (offered) => negotiateProtocol(offered) ?? firstVersion(offered) ?? false,
    });
  }

  get size(): number {
    return this.connections.size;
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://upgrade.invalid');
    if (url.pathname !== SOCKET_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    socket.on('error', () => socket.destroy());
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, request, url));
  }

  /** Closes every connection (1001) and stops accepting. */
  async close(): Promise<void> {
    for (const c of this.connections.keys()) c.close(CLOSE_CODES.GOING_AWAY, 'server shutting down');
    this.connections.clear();
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private accept(ws: WebSocket, request: IncomingMessage, url: URL): void {
    const metrics = this.deps.metrics;
    const refuse = (code: number, reason: string, outcome: string): void => {
      metrics.connectionsTotal.inc({ outcome });
      ws.close(code, reason.slice(0, 120));
    };
    const offered = (request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    if (negotiateProtocol(offered) === undefined)
      return refuse(CLOSE_CODES.PROTOCOL_UNSUPPORTED, 'offer the vth.v1 subprotocol', 'protocol');
    const identity = this.auth.authenticate({
      authorization: request.headers.authorization,
      origin: request.headers.origin,
      host: request.headers.host,
      remoteAddress: request.socket.remoteAddress,
      attachToken: tokenFromProtocols(offered) ?? url.searchParams.get('token') ?? undefined,
      secure: this.secure,
    });
    if ('status' in identity)
      return refuse(
        identity.code === 'AUTH_FAILED' ? CLOSE_CODES.AUTH_FAILED : CLOSE_CODES.FORBIDDEN,
        identity.message,
        identity.code === 'AUTH_FAILED' ? 'auth' : 'forbidden',
      );
    const { maxConnections, maxConnectionsPerUser } = this.deps.config.limits;
    if (this.connections.size >= maxConnections)
      return refuse(CLOSE_CODES.OVERLOADED, 'the server takes no more connections', 'overloaded');
    let mine = 0;
    for (const who of this.connections.values()) if (who.userId === identity.userId) mine++;
    if (mine >= maxConnectionsPerUser)
      return refuse(
        CLOSE_CODES.OVERLOADED,
        `user "${identity.userId}" has too many connections`,
        'overloaded',
      );
    const attach = this.urlAttach(url);
    if (attach === 'invalid')
      return refuse(CLOSE_CODES.PROTOCOL_ERROR, 'invalid session, mode or from in the URL', 'protocol');
    metrics.connectionsTotal.inc({ outcome: 'accepted' });
    const connection = new Connection(ws, identity, this.deps);
    this.connections.set(connection, identity);
    metrics.connections.inc({ transport: 'ws' });
    ws.on('close', () => {
      if (this.connections.delete(connection)) metrics.connections.dec({ transport: 'ws' });
    });
    connection.start();
    if (attach) void connection.attachFromUrl(attach);
  }

  private urlAttach(url: URL) {
    const sessionId = url.searchParams.get('session');
    if (sessionId === null) return undefined;
    const from = url.searchParams.get('from') ?? 'snapshot';
    const parsed = attachMessageSchema.safeParse({
      type: 'attach',
      sessionId,
      mode: url.searchParams.get('mode') ?? 'viewer',
      from: /^\d+$/.test(from) ? Number(from) : from,
      ...(url.searchParams.get('pane') === null ? {} : { paneId: url.searchParams.get('pane') }),
    });
    return parsed.success ? parsed.data : 'invalid';
  }
}

/** A version the client offered that the server does not speak: selected only to close with 4005. */
function firstVersion(offered: Set<string>): string | undefined {
  for (const p of offered) if (!p.startsWith(TOKEN_PROTOCOL_PREFIX)) return p;
  return undefined;
}
