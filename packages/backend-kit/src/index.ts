/**
 * `@vth/backend-kit`: what backends share beyond the contract. `SessionBackend` implements the whole
 * `ITerminalBackend` call surface (validation, lookups, capacity, metrics, events, long commands) over a few
 * abstract methods; `ShellSessionBackend` adds panes driven by `ShellCommandRunner`. A backend written on
 * it answers the `@vth/core` error codes the same way as the others. In-memory test doubles are in
 * `@vth/backend-kit/testing`.
 *
 * @example
 * ```ts
 * class MyBackend extends ShellSessionBackend<MySession, MyConfig> {
 *   readonly type = 'mine';
 *   readonly capabilities = INTERACTIVE_SHELL_CAPABILITIES;
 *   protected async start(config) { ... }
 *   protected async openSession(id, options, config) { ... }
 *   protected async endSessions(sessions, reason) { ... }
 *   protected async resizePane(pane, cols, rows) { ... }
 * }
 * ```
 *
 * @module @vth/backend-kit
 */
export { SessionBackend, type SessionBackendOptions, type SessionOptions } from './session-backend';
export { ShellSessionBackend, type ShellBackendConfig, type ShellPaneSpec } from './shell-session-backend';
export {
  type BackendSession,
  type BackendState,
  type PaneOutput,
  type SessionBackendConfig,
  type SessionPane,
  type SessionRunner,
} from './session-parts';
export { emitPaneOutput } from './pane-output';
export { capacityHealth, notReadyHealth, HealthReporter } from './backend-health';
export { INTERACTIVE_SHELL_CAPABILITIES } from './interactive-shell-capabilities';
export { CommandOutputRing, type OutputSlice } from './command-output-ring';
export { ENDED_COMMANDS_KEPT } from './pane-commands';
export { DEFAULT_READ_BYTES, WAIT_WINDOW_BYTES } from './running-command';
export { HANDLE_OUTPUT_BYTES } from './yielding-execution';
export { PatternMatcher, PATTERN_BUDGET_MS, type PatternMatch } from './pattern-matcher';
