/**
 * How to drive one family of interactive shells: the text that quiets a fresh shell and installs the
 * hooks, and the text that runs one command so that it reports start, end, exit code and cwd.
 */
export interface ShellDialect {
  /** Which family: `bash` has the completeness check and quoted cwd that `posix` lacks. */
  readonly name: 'bash' | 'posix';
  /** Arguments that start the shell interactive and as quiet as it allows (no rc files, no line editing). */
  readonly spawnArgs: readonly string[];
  /**
   * Typed first into a fresh shell: turns off echo (and CR/LF translation unless `keepOnlcr`) and answers
   * with the quiet mark (`ESC ] 6973 ; Q BEL`), so that the bootstrap, which holds the secret, is typed
   * only once nothing echoes it.
   */
  quiet(options?: BootstrapOptions): string;
  /**
   * Typed once the shell is quiet: empties the prompts and installs the hooks. The first prompt mark
   * after it means the shell is ready. The only text that carries the nonce: the hooks keep it to
   * themselves, so the lines below never do.
   */
  bootstrap(nonce: string, options?: BootstrapOptions): string;
  /**
   * Input that runs `command` and reports it with start/end marks. The bash dialect first checks that the
   * text is complete and answers with an `I` mark (nothing ran) when it is not; see `rawCommand`.
   */
  command(id: string, command: string, form?: CommandForm): string;
  /**
   * Input that types an incomplete command (an open heredoc or quote) into the shell as a terminal user
   * would, so text sent later with `sendInput` completes it; the prompt mark ends it. `null` when the
   * dialect cannot (then the command is run through `command` and reports the shell's syntax error).
   */
  rawCommand(id: string, command: string): string | null;
  /**
   * Input that runs several commands from one line, so the whole batch reaches the shell in one write and
   * a command reading stdin cannot swallow the next one; each command still has its own start and end
   * marks. `null` when the batch does not fit that form (a command that may be incomplete, a long one).
   */
  commandBatch(items: ReadonlyArray<{ id: string; command: string }>, form?: CommandForm): string | null;
  /** A line that runs nothing but makes the shell show a prompt mark carrying `id` (to resynchronise). */
  probe(id: string): string;
}

/** What the runner knows of the shell's state when it types a command. */
export interface CommandForm {
  /**
   * `set -x` is on (the last end or prompt mark said so): the command's line must keep vth's own
   * statements out of the trace.
   */
  tracing?: boolean;
}

export interface BootstrapOptions {
  /**
   * Leave the terminal's ONLCR translation on (`\n` shown as `\r\n`) because something renders the terminal
   * (a tmux pane a person may attach to); the runner then undoes it in command output. Default false.
   */
  keepOnlcr?: boolean;
  /**
   * Milliseconds the shell lingers after reporting its exit, so a terminal that drops a dying pane's last
   * output (tmux) forwards the exit mark first. Default 0.
   */
  exitLingerMs?: number;
}

/**
 * Canonical-mode terminals cut input lines at 4095 bytes; every line we type stays well below, and longer
 * commands are assembled in a shell variable over several lines.
 */
export const MAX_TYPED_LINE = 3000;

/** Packs quoted pieces into words of at most `max` characters, never splitting a piece. */
export function packPieces(pieces: readonly string[], max: number): string[] {
  const words: string[] = [];
  let current = '';
  for (const p of pieces) {
    if (current.length + p.length > max && current !== '') {
      words.push(current);
      current = '';
    }
    current += p;
  }
  words.push(current);
  return words;
}
