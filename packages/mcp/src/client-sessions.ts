import { createId } from '@vth/core/kit';
import {
  fail,
  ok,
  type BackendResult,
  type ExecutionContext,
  type ITerminalBackend,
  type SessionInfo,
} from '@vth/core';
import { type McpToolOptions } from './mcp-options';
import { SessionScreen } from './session-screen';
import { type OwnedSession, type SessionTable } from './session-table';

/** Who an MCP client is: `userId` goes into every `ExecutionContext` (rate limits, policy, audit). */
export interface McpClientIdentity {
  /** The MCP session (Streamable HTTP session id; one fixed id for stdio). */
  clientId: string;
  userId: string;
}

/** What `session_open` may set. */
export interface OpenSessionRequest {
  cwd?: string;
  env?: Record<string, string>;
}

/**
 * The terminal sessions of one MCP client: it opens, lists, uses and closes only its own. `close()` ends
 * them all (the client went away).
 *
 * @example
 * ```ts
 * const mine = new ClientSessions(backend, table, { clientId: 'stdio', userId: 'local' }, tools);
 * const opened = await mine.open({ cwd: '/tmp' });
 * ```
 */
export class ClientSessions {
  private closing = false;

  constructor(
    readonly backend: ITerminalBackend,
    private readonly table: SessionTable,
    readonly identity: McpClientIdentity,
    private readonly options: McpToolOptions,
  ) {}

  /** The context of every call this client makes. */
  context(extra: ExecutionContext = {}): ExecutionContext {
    return { ...extra, userId: this.identity.userId, source: 'mcp' };
  }

  async open(request: OpenSessionRequest): Promise<BackendResult<SessionInfo>> {
    if (this.closing) return fail('UNAVAILABLE', 'this MCP session is ending', { dispatched: false });
    const held = this.table.owned(this.identity.clientId).length;
    if (held >= this.options.maxSessions)
      return fail(
        'BUSY',
        `this MCP client already holds ${held} terminal sessions (the limit): close one with session_close`,
        { dispatched: false },
      );
    const id = createId('mcp');
    // In the table before it exists: the shell's first bytes reach the screen too.
    const owned: OwnedSession = {
      id,
      clientId: this.identity.clientId,
      createdAt: Date.now(),
      screen: new SessionScreen(this.options.cols, this.options.rows),
    };
    this.table.add(owned);
    const created = await this.backend.createSession(
      { ...request, sessionId: id, cols: this.options.cols, rows: this.options.rows },
      this.context(),
    );
    if (!created.ok) this.table.remove(id);
    else if (this.closing) {
      // The client ended while the session was being made: nobody is left to close it.
      this.table.remove(id);
      await this.backend.destroySession(id);
      return fail('UNAVAILABLE', 'this MCP session ended', { dispatched: true });
    }
    return created;
  }

  /** The session when this client owns it, else `SESSION_NOT_FOUND` (also for another client's). */
  get(sessionId: string): BackendResult<OwnedSession> {
    const found = this.table.get(this.identity.clientId, sessionId);
    return found ? ok(found) : fail('SESSION_NOT_FOUND', `no session "${sessionId}"`, { dispatched: false });
  }

  owned(): OwnedSession[] {
    return this.table.owned(this.identity.clientId);
  }

  async closeSession(sessionId: string): Promise<BackendResult<void>> {
    const found = this.get(sessionId);
    if (!found.ok) return found;
    const destroyed = await this.backend.destroySession(sessionId);
    // Gone either way: a session the backend no longer knows is not this client's to keep.
    if (destroyed.ok || destroyed.error.code === 'SESSION_NOT_FOUND') this.table.remove(sessionId);
    return destroyed.ok || destroyed.error.code !== 'SESSION_NOT_FOUND' ? destroyed : ok(undefined);
  }

  /** Ends every session of this client; later calls to `open` are refused. Safe to call twice. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.owned().map((s) => this.closeSession(s.id)));
  }
}
