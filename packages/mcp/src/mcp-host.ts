import { type Readable, type Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ok, type BackendResult, type ITerminalBackend } from '@vth/core';
import { parseInput } from '@vth/core/kit';
import { guardBackend, type CommandGuard, type GuardBackendOptions } from '@vth/security';
import { HttpEndpoint } from './http-endpoint';
import { LOCAL_MCP_USER } from './http-request-guard';
import { McpClient } from './mcp-client';
import { mcpOptionsSchema, type McpOptions, type McpOptionsInput } from './mcp-options';
import { SessionTable } from './session-table';

/** What {@link createMcpHost} serves, with which settings, behind which controls. */
export interface CreateMcpHostOptions {
  /** What the tools drive: any backend, normally a `BackendManager` (so sessions may live in containers). */
  backend: ITerminalBackend;
  /** Tool and HTTP settings (`mcpOptionsSchema`); validated, `INVALID_CONFIG` naming each bad path. */
  options?: McpOptionsInput;
  /**
   * `@vth/security`'s rate limits, policy and audit in front of every call the tools make (per user: the
   * token's over HTTP, `stdioUserId` over stdio). Default: none beyond what `backend` has itself.
   */
  security?: GuardBackendOptions | CommandGuard;
}

/** A stdio connection: `closed` resolves once the client went away and its sessions are closed. */
export interface StdioConnection {
  /**
   * Resolves (never rejects) once the client went away (stdin ended or closed, the protocol connection
   * closed) or `close()` ran, and its sessions are closed.
   */
  readonly closed: Promise<void>;
  /** Ends the connection now (closes its sessions). */
  close(): Promise<void>;
}

/** Where a stdio client talks, and as whom. */
export interface StdioOptions {
  /** Where requests come from; default `process.stdin`. Its end or close ends the connection. */
  stdin?: Readable;
  /** Where the protocol goes, and nothing else; default `process.stdout` (log to stderr). */
  stdout?: Writable;
  /** `ExecutionContext.userId` of every call (default `local`). */
  userId?: string;
}

/**
 * The MCP server of vth over one backend: terminal tools (see the README) for each connected client, over
 * stdio or Streamable HTTP. Each client sees only the sessions it opened; they close when it goes away.
 * The backend stays yours: `close()` ends the clients and their sessions, then shut `host.backend` down
 * (with `security`, that wrapper also flushes the audit sink and shuts yours down).
 *
 * @example
 * ```ts
 * const host = createMcpHost({ backend: manager });
 * if (!host.ok) throw host.error;
 * const stdio = await host.value.serveStdio();
 * await stdio.closed;
 * await host.value.close();
 * await host.value.backend.shutdown();
 * ```
 */
export class McpHost {
  private readonly table: SessionTable;
  private readonly stdio = new Set<McpClient>();
  private http: HttpEndpoint | undefined;

  private constructor(
    /**
     * What the tools drive: the backend given, or with `security` the guarded wrapper around it. Shut
     * this one down after `close()`.
     */
    readonly backend: ITerminalBackend,
    /** The settings after parsing, every default filled in. */
    readonly options: McpOptions,
  ) {
    this.table = new SessionTable(backend);
  }

  /**
   * Checks the options and builds the host; starts nothing (see `serveStdio`, `listenHttp`).
   * Errors: `INVALID_CONFIG` naming each bad path of `options` (`mcp.http.tokens`, ...).
   */
  static create(input: CreateMcpHostOptions): BackendResult<McpHost> {
    const parsed = parseInput(mcpOptionsSchema, input.options ?? {}, 'mcp', 'INVALID_CONFIG');
    if (!parsed.ok) return parsed;
    const backend = input.security ? guardBackend(input.backend, input.security) : input.backend;
    return ok(new McpHost(backend, parsed.value));
  }

  /** Terminal sessions open through this host, all clients together. */
  get sessionCount(): number {
    return this.table.size;
  }

  /** Serves one client over stdin/stdout (stdout carries only the protocol). */
  async serveStdio(io: StdioOptions = {}): Promise<StdioConnection> {
    const stdin = io.stdin ?? process.stdin;
    const client = new McpClient(
      this.backend,
      this.table,
      { clientId: 'stdio', userId: io.userId ?? LOCAL_MCP_USER },
      this.options.tools,
    );
    this.stdio.add(client);
    let resolveClosed!: () => void;
    const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
    const close = async () => {
      await client.end();
      this.stdio.delete(client);
      resolveClosed();
    };
    stdin.once('end', () => void close());
    stdin.once('close', () => void close());
    client.server.server.onclose = () => void close();
    await client.server.connect(new StdioServerTransport(stdin, io.stdout ?? process.stdout));
    return { closed, close };
  }

  /**
   * Starts the Streamable HTTP endpoint (`options.http`) and answers where it listens (with the port
   * picked when `port` is 0). Call it once. Errors: `UNAVAILABLE` when the address cannot be bound (in
   * use, or not an address of this machine), `dispatched: false`.
   */
  async listenHttp(): Promise<BackendResult<{ host: string; port: number; url: string }>> {
    this.http ??= new HttpEndpoint(
      this.options.http,
      (clientId, userId) => new McpClient(this.backend, this.table, { clientId, userId }, this.options.tools),
    );
    return this.http.listen();
  }

  /** Ends every client (closing its terminal sessions) and the HTTP endpoint. The backend stays up. */
  async close(): Promise<void> {
    await this.http?.close();
    await Promise.all([...this.stdio].map((c) => c.end()));
    this.stdio.clear();
    this.table.dispose();
  }
}

/**
 * `McpHost.create`: the MCP server of vth over `backend`.
 *
 * @example const host = createMcpHost({ backend, options: { tools: { defaultYieldMs: 15_000 } } });
 */
export function createMcpHost(input: CreateMcpHostOptions): BackendResult<McpHost> {
  return McpHost.create(input);
}
