import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { type ClientSessions } from './client-sessions';
import { registerCommandTools } from './command-tools';
import { type McpToolOptions } from './mcp-options';
import { registerSessionTools } from './session-tools';

/** This package's version, for the MCP handshake. */
export const MCP_PACKAGE_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return '0.0.0';
  }
})();

const INSTRUCTIONS =
  'Terminal sessions: session_open gives a persistent bash session; command_run runs a command and answers ' +
  'within a deadline (running commands keep a handle for command_read / command_wait); session_send types ' +
  'text and keys; session_screen shows full-screen programs; session_interrupt sends Ctrl-C; session_close ' +
  'ends a session. Sessions are yours alone and close when this MCP session ends.';

/** One MCP server (one client's protocol state) with the terminal tools bound to that client's sessions. */
export function createToolServer(sessions: ClientSessions, options: McpToolOptions): McpServer {
  const server = new McpServer(
    { name: 'vth', version: MCP_PACKAGE_VERSION },
    { capabilities: { tools: {} }, instructions: INSTRUCTIONS },
  );
  registerSessionTools(server, sessions, options);
  registerCommandTools(server, sessions, options);
  return server;
}
