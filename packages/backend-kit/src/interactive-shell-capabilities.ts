import { type BackendCapabilities } from '@vth/core';

/**
 * What an interactive shell driven by `@vth/shell-integration` does, on this machine, one pane per
 * session: the capabilities a backend declares by changing only what differs.
 *
 * @example
 * ```ts
 * export const TMUX_CAPABILITIES: BackendCapabilities = { ...INTERACTIVE_SHELL_CAPABILITIES, multiplePanes: true };
 * ```
 */
export const INTERACTIVE_SHELL_CAPABILITIES: Readonly<BackendCapabilities> = Object.freeze({
  persistentSessions: true,
  multiplePanes: false,
  resize: true,
  interrupt: true,
  sendInput: true,
  capture: true,
  streaming: true,
  exitCodes: true,
  cwdTracking: true,
  isolation: 'process',
  remote: false,
  longCommands: true,
});
