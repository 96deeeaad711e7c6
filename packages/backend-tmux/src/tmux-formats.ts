/*
 * The `#{...}` formats the backend asks tmux for, and the rows it reads back. tmux prints format values
 * raw: a program in a pane controls some of them (`#{pane_current_path}` is its working directory,
 * `#{pane_current_command}` its process name; both may hold a newline or a line that looks like protocol).
 * So the backend asks only for fields tmux itself makes (ids, pids, the tty path) and takes a row only
 * when it has exactly the expected shape; anything else is not a row.
 */

/** A pane tmux just made (`new-session -P`, `split-window -P`). */
export const NEW_PANE_FORMAT = '#{session_id} #{window_id} #{pane_id} #{pane_pid} #{pane_tty}';

export interface NewPane {
  /** tmux's own id of the session (`$<n>`): names never change it. */
  tmuxSessionId: string;
  windowId: string;
  paneId: string;
  pid: number;
  tty: string;
}

const NEW_PANE_ROW = /^(\$\d+) (@\d+) (%\d+) (\d+) (\/dev\/[^\s]+)$/;

export function parseNewPane(line: string | undefined): NewPane | null {
  const m = NEW_PANE_ROW.exec(line ?? '');
  if (!m) return null;
  return { tmuxSessionId: m[1]!, windowId: m[2]!, paneId: m[3]!, pid: Number(m[4]), tty: m[5]! };
}

/** Every pane of the server with the session it belongs to (`list-panes -a`; a linked window: twice). */
export const PANE_ROW_FORMAT = '#{pane_id} #{session_id}';

const PANE_ROW = /^(%\d+) (\$\d+)$/;

/** Pane id -> ids of the tmux sessions it is in. */
export function parsePaneRows(lines: readonly string[]): Map<string, Set<string>> {
  const where = new Map<string, Set<string>>();
  for (const line of lines) {
    const m = PANE_ROW.exec(line);
    if (!m) continue;
    if (!where.has(m[1]!)) where.set(m[1]!, new Set());
    where.get(m[1]!)!.add(m[2]!);
  }
  return where;
}

/** The server's pid and the pid of the pane the control client attached to. */
export const SERVER_FORMAT = '#{pid} #{pane_pid}';

export function parseServer(line: string | undefined): { serverPid: number; controlPanePid: number } | null {
  const m = /^(\d+) (\d+)$/.exec(line ?? '');
  return m ? { serverPid: Number(m[1]), controlPanePid: Number(m[2]) } : null;
}
