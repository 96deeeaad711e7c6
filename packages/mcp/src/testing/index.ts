// End-to-end checks of an MCP terminal server, for tests of any transport (`@vth/mcp/testing`).
export {
  TERMINAL_SCENARIOS,
  type TerminalScenario,
  type CallTool,
  type ScenarioAnswer,
} from './terminal-scenarios';
