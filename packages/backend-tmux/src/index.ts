/**
 * `@vth/backend-tmux`: a vth backend that runs each session in a real tmux session (tmux 3.2 or later),
 * driven over one control-mode client per server: pane output from `%output`, command completion from
 * `@vth/shell-integration` marks, no `capture-pane` polling. A person can watch a session with
 * `tmux -S <socket> attach -t <session>` while an agent works in it. The control-mode parser and the
 * quoting helpers are exported for tools that talk to tmux themselves.
 *
 * @example
 * ```ts
 * import { TmuxBackend } from '@vth/backend-tmux';
 * const backend = new TmuxBackend();
 * const init = await backend.initialize({ socketPath: '/tmp/vth.sock' });
 * if (!init.ok) throw init.error;
 * ```
 *
 * @module @vth/backend-tmux
 */
export { TmuxBackend, TMUX_CAPABILITIES, type SplitPaneOptions } from './tmux-backend';
export { tmuxConfigSchema, type TmuxConfig, type TmuxConfigInput } from './config';
export { TmuxControlClient, type ControlClientOptions } from './control-client';
export { ControlParser, decodeOutputValue, type ControlEvent } from './control-protocol';
export { quoteTmuxArg, quoteTmuxFormatArg } from './tmux-quote';
export { checkTmuxVersion, parseTmuxVersion, MIN_TMUX_VERSION } from './tmux-version';
export { plugin, createTmuxBackend } from './plugin';
export { listTmuxProcesses } from './tmux-processes';
