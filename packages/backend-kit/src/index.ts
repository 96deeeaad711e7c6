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
