export { TmuxBackend, TMUX_CAPABILITIES, type SplitPaneOptions } from './tmux-backend';
export { tmuxConfigSchema, type TmuxConfig, type TmuxConfigInput } from './config';
export { TmuxControlClient, type ControlClientOptions } from './control-client';
export { ControlParser, decodeOutputValue, type ControlEvent } from './control-protocol';
export { quoteTmuxArg, quoteTmuxFormatArg } from './tmux-quote';
export { checkTmuxVersion, parseTmuxVersion, MIN_TMUX_VERSION } from './tmux-version';
export { plugin, createTmuxBackend } from './plugin';
export { listTmuxProcesses } from './tmux-processes';
