import { type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { type ITerminalBackend } from '@vth/core';
import { ClientSessions, type McpClientIdentity } from './client-sessions';
import { type McpToolOptions } from './mcp-options';
import { type SessionTable } from './session-table';
import { createToolServer } from './tool-server';

/** One connected MCP client: its protocol server and its terminal sessions. */
export class McpClient {
  readonly sessions: ClientSessions;
  readonly server: McpServer;
  private ended: Promise<void> | undefined;

  constructor(
    backend: ITerminalBackend,
    table: SessionTable,
    identity: McpClientIdentity,
    options: McpToolOptions,
  ) {
    this.sessions = new ClientSessions(backend, table, identity, options);
    this.server = createToolServer(this.sessions, options);
  }

  /** Closes every terminal session of the client, then its protocol server. Safe to call twice. */
  end(): Promise<void> {
    this.ended ??= (async () => {
      await this.sessions.close();
      await this.server.close().catch(() => undefined);
    })();
    return this.ended;
  }
}
