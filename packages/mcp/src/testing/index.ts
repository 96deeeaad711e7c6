/**
 * `@vth/mcp/testing`: end-to-end checks of an MCP terminal server ({@link TERMINAL_SCENARIOS}), for the
 * tests of any transport or backend: give each a function that calls a tool of a connected client.
 *
 * @example
 * ```ts
 * import { TERMINAL_SCENARIOS } from '@vth/mcp/testing';
 * for (const s of TERMINAL_SCENARIOS) it(s.name, () => s.run((name, args) => callTool(client, name, args)));
 * ```
 *
 * @module @vth/mcp/testing
 */
export {
  TERMINAL_SCENARIOS,
  type TerminalScenario,
  type CallTool,
  type ScenarioAnswer,
} from './terminal-scenarios';
