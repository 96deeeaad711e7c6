import { Terminal } from '@xterm/headless';

/** What `session_screen` answers: the screen as a terminal shows it now. */
export interface ScreenView {
  /** Columns of the rendered screen: the size the session was opened with. */
  cols: number;
  /** Rows of the rendered screen; `lines` has this many. */
  rows: number;
  /** One string per row, trailing blanks trimmed. */
  lines: string[];
  /** 0-based row and column of the cursor. */
  cursor: { row: number; col: number };
  /** A full-screen program (vi, less, top) switched to the alternate screen. */
  alternateScreen: boolean;
  /** Cursor keys send `ESC O x` (the program asked for application mode). */
  applicationCursorKeys: boolean;
}

/**
 * The screen of one terminal session, rendered by a headless xterm.js fed with every byte of the session's
 * output from the moment it opened, so modes a program set (alternate screen, cursor keys) are never lost.
 * Parsing costs CPU per byte printed; MCP sessions are driven by agents, whose output is modest.
 *
 * @example
 * ```ts
 * const screen = new SessionScreen(120, 32);
 * backend.on('output', (e) => e.sessionId === id && screen.write(e.data));
 * const view = await screen.view();
 * ```
 */
export class SessionScreen {
  private readonly terminal: Terminal;

  /** Give it the size of the session's terminal, or the rows will wrap where the program's did not. */
  constructor(cols: number, rows: number) {
    this.terminal = new Terminal({ cols, rows, scrollback: 0, allowProposedApi: true });
  }

  /** Feeds output as the session printed it; parsed later, so it returns at once. */
  write(data: string): void {
    this.terminal.write(data);
  }

  /** Whether the program asked for application cursor keys (as of the bytes parsed so far). */
  get applicationCursorKeys(): boolean {
    return this.terminal.modes.applicationCursorKeysMode;
  }

  /** The screen once every byte written so far is parsed. */
  async view(): Promise<ScreenView> {
    await this.flushed();
    const t = this.terminal;
    const buffer = t.buffer.active;
    const lines: string[] = [];
    for (let row = 0; row < t.rows; row++)
      lines.push(buffer.getLine(buffer.viewportY + row)?.translateToString(true) ?? '');
    return {
      cols: t.cols,
      rows: t.rows,
      lines,
      cursor: { row: buffer.cursorY, col: buffer.cursorX },
      alternateScreen: buffer.type === 'alternate',
      applicationCursorKeys: t.modes.applicationCursorKeysMode,
    };
  }

  /** Resolves once xterm has parsed every byte written before the call. */
  flushed(): Promise<void> {
    return new Promise((resolve) => this.terminal.write('', resolve));
  }

  /** Frees the terminal; the screen is of no use afterwards. */
  dispose(): void {
    this.terminal.dispose();
  }
}
