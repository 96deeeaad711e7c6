/**
 * The tmux control-mode wire format (tmux(1), CONTROL MODE): the client's stdout is a sequence of lines.
 * Replies to our commands are framed `%begin <time> <number> <flags>` ... `%end|%error <time> <number>
 * <flags>`, the closing line repeating the three fields of its `%begin`; everything else starting with `%`
 * is a notification, never inside a reply block. Pane output arrives as `%output %<pane> <value>`, where
 * bytes below 0x20 and `\` are octal-escaped (`\ooo`) and every other byte is raw. Lines are handled as
 * bytes: decoding them as strings and unescaping with a regex is several times slower (see
 * TERMINAL-FACTS.md).
 *
 * A reply's lines are NOT escaped: `capture-pane -p` and format values a program controls
 * (`#{pane_current_path}`, `#{pane_current_command}`) come back raw, newlines included. So inside a block
 * every line is data, and only the `%end`/`%error` carrying the same time, number and flags as its
 * `%begin` closes it: a program that prints `%end …`, `%exit` or a whole forged block cannot end a reply,
 * answer another command or close the client (short of printing that exact guard line; see the README).
 */

/** One thing the control client said; switch on `type`. Every field comes from tmux, pane output included: treat it as untrusted. */
export type ControlEvent =
  | {
      /** A `%output` line: bytes a pane wrote. */
      type: 'output';
      /** The pane, e.g. `%3`. */
      paneId: string;
      /** The bytes, octal escapes decoded. */
      data: Buffer;
    }
  | {
      /** A reply block, `%begin` to its own `%end` or `%error`. */
      type: 'reply';
      /** `%end` (true) or `%error` (false). */
      ok: boolean;
      /** The `%begin` flags: 1 for a command this client sent, 0 for the reply to attaching. */
      flags: number;
      /** The reply's lines, raw: a line may be anything a pane printed. */
      lines: string[];
    }
  | {
      /** Any other `%` line outside a block (`%session-changed`, `%window-close`, ...). */
      type: 'notification';
      /** The word after `%`. */
      name: string;
      /** The rest of the line. */
      args: string;
    }
  | {
      /** `%exit`: the client is detaching or the server is gone. */
      type: 'exit';
      /** What tmux gave after `%exit` (may be empty). */
      reason: string;
    };

const NL = 0x0a;
const BACKSLASH = 0x5c;
const OUTPUT = Buffer.from('%output %');
const BEGIN = '%begin ';
const END = '%end ';
const ERROR = '%error ';

/** Decodes the value of a `%output` line: `\ooo` octal escapes back to bytes, everything else as is. */
export function decodeOutputValue(line: Buffer, start: number): Buffer {
  let bs = line.indexOf(BACKSLASH, start);
  if (bs === -1) return line.subarray(start);
  const out = Buffer.allocUnsafe(line.length - start);
  let n = 0;
  let from = start;
  while (bs !== -1) {
    n += line.copy(out, n, from, bs);
    const d1 = line[bs + 1]! - 48;
    const d2 = line[bs + 2]! - 48;
    const d3 = line[bs + 3]! - 48;
    if (d1 >= 0 && d1 < 8 && d2 >= 0 && d2 < 8 && d3 >= 0 && d3 < 8) {
      out[n++] = (d1 << 6) | (d2 << 3) | d3;
      from = bs + 4;
    } else {
      out[n++] = BACKSLASH; // not an escape tmux would write; keep it
      from = bs + 1;
    }
    bs = line.indexOf(BACKSLASH, from);
  }
  n += line.copy(out, n, from);
  return out.subarray(0, n);
}

/**
 * Splits the control client's stdout into events. Holds at most one partial line between chunks.
 *
 * @example
 * ```ts
 * const parser = new ControlParser();
 * child.stdout.on('data', (chunk) => parser.push(chunk, (event) => handle(event)));
 * ```
 */
export class ControlParser {
  private partial: Buffer | null = null;
  /** The reply being read: its lines, and the `<time> <number> <flags>` its closing line must repeat. */
  private block: { guard: string; flags: number; lines: string[] } | null = null;

  /** Reads a chunk of stdout and emits each event completed by it, in order; never throws on odd input. */
  push(chunk: Buffer, emit: (event: ControlEvent) => void): void {
    let data = chunk;
    if (this.partial) {
      data = Buffer.concat([this.partial, chunk]);
      this.partial = null;
    }
    let from = 0;
    let nl = data.indexOf(NL);
    while (nl !== -1) {
      this.line(data.subarray(from, nl), emit);
      from = nl + 1;
      nl = data.indexOf(NL, from);
    }
    if (from < data.length) this.partial = Buffer.from(data.subarray(from));
  }

  private line(raw: Buffer, emit: (event: ControlEvent) => void): void {
    if (this.block) {
      // Pane text: kept exactly (a CR included) unless it is this block's own closing line.
      const text = raw.toString('utf8');
      const closing = this.closes(text);
      if (closing === null) {
        this.block.lines.push(text);
        return;
      }
      const block = this.block;
      this.block = null;
      emit({ type: 'reply', ok: closing, flags: block.flags, lines: block.lines });
      return;
    }
    // tmux ends lines with \n; a \r would only come from a terminal in between, which control mode over
    // pipes does not have.
    const line = raw.length > 0 && raw[raw.length - 1] === 0x0d ? raw.subarray(0, raw.length - 1) : raw;
    if (line.length > OUTPUT.length && line.compare(OUTPUT, 0, OUTPUT.length, 0, OUTPUT.length) === 0) {
      const space = line.indexOf(0x20, OUTPUT.length);
      if (space === -1) return;
      emit({
        type: 'output',
        paneId: line.toString('latin1', OUTPUT.length - 1, space),
        data: decodeOutputValue(line, space + 1),
      });
      return;
    }
    const text = line.toString('utf8');
    if (text.startsWith(BEGIN)) {
      const guard = text.slice(BEGIN.length);
      this.block = { guard, flags: Number(guard.split(' ')[2] ?? 0), lines: [] };
      return;
    }
    if (text.startsWith('%exit')) {
      emit({ type: 'exit', reason: text.slice(6) });
      return;
    }
    if (text.startsWith('%')) {
      const space = text.indexOf(' ');
      emit({
        type: 'notification',
        name: space === -1 ? text.slice(1) : text.slice(1, space),
        args: space === -1 ? '' : text.slice(space + 1),
      });
    }
  }

  /** Inside a block: `true`/`false` when `text` is its own `%end`/`%error`, `null` when it is data. */
  private closes(text: string): boolean | null {
    const guard = this.block!.guard;
    if (text.length === END.length + guard.length && text.startsWith(END) && text.endsWith(guard))
      return true;
    if (text.length === ERROR.length + guard.length && text.startsWith(ERROR) && text.endsWith(guard))
      return false;
    return null;
  }
}
