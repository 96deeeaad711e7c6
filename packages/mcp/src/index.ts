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
