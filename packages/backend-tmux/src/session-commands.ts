import { type TmuxConfig } from './config';
import { NEW_PANE_FORMAT } from './tmux-formats';
import { quoteTmuxArg, quoteTmuxFormatArg } from './tmux-quote';

/** Measured worst case of tmux's history: bytes per cell of a busy pane (see `historyBytes`). */
const HISTORY_BYTES_PER_CELL = 5.2;

/** Scrollback lines per pane: `historyLimit`, or what `historyBytes` holds at the configured width. */
export function historyLines(cfg: Pick<TmuxConfig, 'historyLimit' | 'historyBytes' | 'cols'>): number {
  return cfg.historyLimit ?? Math.floor(cfg.historyBytes / (cfg.cols * HISTORY_BYTES_PER_CELL));
}

/** Settings of a server vth started itself: panes that behave the same for everyone attaching to it. */
export function ownServerSettings(cfg: TmuxConfig): string[] {
  return [
    `set-option -g default-terminal ${quoteTmuxArg(cfg.term)}`,
    `set-option -g history-limit ${historyLines(cfg)}`,
    'set-option -g status off',
    'set-option -g remain-on-exit off',
    'set-option -s escape-time 0',
  ];
}

/** What a new session is made of. */
export interface NewSession {
  id: string;
  cols: number;
  rows: number;
  cwd: string;
  env: Record<string, string>;
  /** The pane's shell as a tmux command line (see `paneShellCommand`). */
  shellCommand: string;
  controlSession: string;
  ownsServer: boolean;
  backendId: string;
}

/**
 * The commands that make a session, sent in one round trip: `new-session` (printing the new pane, see
 * `NEW_PANE_FORMAT`), its window linked into the control session, and on a shared server its own settings.
 *
 * @example `const [created, ...rest] = await client.commands(newSessionCommands(spec));`
 */
export function newSessionCommands(s: NewSession): string[] {
  const env = Object.entries(s.env)
    .map(([k, v]) => ` -e ${quoteTmuxArg(`${k}=${v}`)}`)
    .join('');
  // set-option takes a pane target: `=name:` (exact session, its current window), not `=name`.
  const target = quoteTmuxArg(`=${s.id}:`);
  return [
    `new-session -d -P -F '${NEW_PANE_FORMAT}' -s ${quoteTmuxArg(s.id)}` +
      ` -x ${s.cols} -y ${s.rows} -c ${quoteTmuxFormatArg(s.cwd)}${env} ${s.shellCommand}`,
    // Output of a pane reaches a control client only for windows of its session: link ours in. (The
    // control client has no size, so the window keeps its own; resize-window later makes it manual.)
    `link-window -d -s ${target} -t ${quoteTmuxArg(`=${s.controlSession}:`)}`,
    // On a server we own these are global settings already; on a shared one, set them per session and
    // mark the session as ours.
    ...(s.ownsServer
      ? []
      : [
          `set-option -t ${target} status off`,
          `set-option -t ${target} @vth_backend ${quoteTmuxArg(s.backendId)}`,
        ]),
  ];
}
