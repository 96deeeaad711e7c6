import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { fail, ok, type BackendResult } from '@vth/core';
import { BoundedEventStore } from './bounded-event-store';
import { HttpRequestGuard } from './http-request-guard';
import { type McpClient } from './mcp-client';
import { type McpHttpOptions } from './mcp-options';

/** Makes the client of a new MCP session. */
export type ClientMaker = (clientId: string, userId: string) => McpClient;

/** Where the endpoint listens. */
export interface ListenAddress {
  host: string;
  port: number;
  url: string;
}

interface HttpClient {
  client: McpClient;
  transport: StreamableHTTPServerTransport;
  userId: string;
  inflight: number;
  idle: NodeJS.Timeout | undefined;
}

function reply(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

/**
 * The Streamable HTTP transport of the MCP server: one endpoint (`path`), one MCP session per client
 * (`Mcp-Session-Id`), each bound to the user that opened it (another user's session id is a 404, as an
 * unknown one), resumable streams from a bounded in-memory event store, and MCP sessions that end on
 * DELETE, on `close()`, or after `idleGraceMs` with no request and no open stream.
 */
export class HttpEndpoint {
  private readonly guard: HttpRequestGuard;
  private readonly clients = new Map<string, HttpClient>();
  private readonly pending = new Set<HttpClient>();
  private server: Server | undefined;
  private listening: Promise<BackendResult<ListenAddress>> | undefined;

  constructor(
    private readonly options: McpHttpOptions,
    private readonly makeClient: ClientMaker,
  ) {
    this.guard = new HttpRequestGuard(options);
  }

  /** MCP sessions now open. */
  get size(): number {
    return this.clients.size;
  }

  /**
   * Listens once: a second call while listening (or starting to) answers the same address rather than
   * opening a second server that `close` would not know about. After a failure or `close`, it starts anew.
   */
  listen(): Promise<BackendResult<ListenAddress>> {
    this.listening ??= this.start().then((result) => {
      if (!result.ok) this.listening = undefined;
      return result;
    });
    return this.listening;
  }

  private start(): Promise<BackendResult<ListenAddress>> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    return new Promise((resolve) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        resolve(
          fail('UNAVAILABLE', `cannot listen on ${this.options.host}:${this.options.port}: ${e.message}`, {
            dispatched: false,
          }),
        ),
      );
      server.listen(this.options.port, this.options.host, () => {
        const { port } = server.address() as AddressInfo;
        const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
        resolve(ok({ host: this.options.host, port, url: `http://${host}:${port}${this.options.path}` }));
      });
    });
  }

  /** Ends every MCP session (closing its terminal sessions) and stops listening. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.listening = undefined;
    await Promise.all([...this.clients.keys()].map((id) => this.end(id)));
    await Promise.all([...this.pending].map((c) => c.client.end()));
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== this.options.path) return reply(res, 404, 'not found');
    const verdict = this.guard.check(req);
    if ('status' in verdict) return reply(res, verdict.status, verdict.message);
    const header = req.headers['mcp-session-id'];
    const sessionId = Array.isArray(header) ? header[0] : header;
    if (sessionId !== undefined) {
      const found = this.clients.get(sessionId);
      // Another user's MCP session answers exactly like one that does not exist.
      if (!found || found.userId !== verdict.userId) return reply(res, 404, 'Session not found');
      return this.pass(found, req, res);
    }
    if (req.method !== 'POST') return reply(res, 400, 'Bad Request: no Mcp-Session-Id');
    if (this.clients.size + this.pending.size >= this.options.maxClients)
      return reply(res, 503, 'too many MCP sessions: try again later');
    await this.open(verdict.userId, req, res);
  }

  private async open(userId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const entry: HttpClient = {
      client: this.makeClient(randomUUID(), userId),
      userId,
      inflight: 0,
      idle: undefined,
      transport: new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        eventStore: new BoundedEventStore(this.options.eventBacklog),
        onsessioninitialized: (id) => {
          this.pending.delete(entry);
          this.clients.set(id, entry);
        },
        onsessionclosed: (id) => void this.end(id),
      }),
    };
    this.pending.add(entry);
    await entry.client.server.connect(entry.transport);
    await this.pass(entry, req, res);
    // Not an initialize request: the transport refused it, and nothing will ever use this client.
    if (entry.transport.sessionId === undefined) {
      this.pending.delete(entry);
      await entry.client.end();
    }
  }

  private async pass(entry: HttpClient, req: IncomingMessage, res: ServerResponse): Promise<void> {
    entry.inflight++;
    if (entry.idle) clearTimeout(entry.idle);
    entry.idle = undefined;
    res.once('close', () => {
      entry.inflight--;
      this.armIdle(entry);
    });
    try {
      await entry.transport.handleRequest(req, res);
    } catch (e) {
      reply(res, 500, e instanceof Error ? e.message : String(e));
    }
  }

  private armIdle(entry: HttpClient): void {
    const id = entry.transport.sessionId;
    if (entry.inflight > 0 || id === undefined || !this.clients.has(id)) return;
    if (entry.idle) clearTimeout(entry.idle);
    entry.idle = setTimeout(() => void this.end(id), this.options.idleGraceMs);
    entry.idle.unref();
  }

  private async end(id: string): Promise<void> {
    const entry = this.clients.get(id);
    if (!entry) return;
    this.clients.delete(id);
    if (entry.idle) clearTimeout(entry.idle);
    await entry.client.end();
  }
}
