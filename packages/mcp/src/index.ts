/**
 * `@vth/mcp`: a Model Context Protocol server over any `ITerminalBackend` (normally a `BackendManager`),
 * over stdio or Streamable HTTP. Agents get terminal sessions as tools: commands with exact output, exit
 * code and cwd, long commands followed by a handle, typed text and named keys, the rendered screen. Each
 * client sees only its own sessions; a failed call is a tool error whose text starts with the
 * `BackendError` code. End-to-end checks for other transports are in `@vth/mcp/testing`.
 *
 * @example
 * ```ts
 * import { createMcpHost } from '@vth/mcp';
 * const host = createMcpHost({ backend: manager });
 * if (!host.ok) throw host.error; // INVALID_CONFIG naming each bad path
 * const http = await host.value.listenHttp(); // { url: 'http://127.0.0.1:7701/mcp' }
 * ```
 *
 * @module @vth/mcp
 */
export {
  createMcpHost,
  McpHost,
  type CreateMcpHostOptions,
  type StdioConnection,
  type StdioOptions,
} from './mcp-host';
export {
  mcpOptionsSchema,
  mcpToolOptionsSchema,
  mcpHttpOptionsSchema,
  type McpOptions,
  type McpOptionsInput,
  type McpToolOptions,
  type McpHttpOptions,
} from './mcp-options';
export { NAMED_KEYS, keySequence, isKeyName, type NamedKey } from './named-keys';
export { SessionScreen, type ScreenView } from './session-screen';
export { BoundedEventStore } from './bounded-event-store';
export { LOCAL_MCP_USER } from './http-request-guard';
export { MCP_PACKAGE_VERSION } from './tool-server';
