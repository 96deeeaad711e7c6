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
