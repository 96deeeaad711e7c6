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

/**
 * Decodes the `%output` value in `line[start, end)` into `out` at `at` (`out` must have room for
 * `end - start` bytes, the most it can take): `\ooo` octal escapes back to bytes, everything else as is.
 * Returns the new end in `out`.
 */
function decodeInto(line: Buffer, start: number, end: number, out: Buffer, at: number): number {
  let n = at;
  let from = start;
  let bs = line.indexOf(BACKSLASH, from);
  while (bs !== -1 && bs < end) {
    // (Most lines end in an escaped CR LF: skip the empty copies between escapes.)
    if (bs > from) n += line.copy(out, n, from, bs);
    const d1 = bs + 1 < end ? line[bs + 1]! - 48 : -1;
    const d2 = bs + 2 < end ? line[bs + 2]! - 48 : -1;
    const d3 = bs + 3 < end ? line[bs + 3]! - 48 : -1;
    if (d1 >= 0 && d1 < 8 && d2 >= 0 && d2 < 8 && d3 >= 0 && d3 < 8) {
      out[n++] = (d1 << 6) | (d2 << 3) | d3;
      from = bs + 4;
    } else {
      out[n++] = BACKSLASH; // not an escape tmux would write; keep it
      from = bs + 1;
    }
    bs = line.indexOf(BACKSLASH, from);
  }
  return from < end ? n + line.copy(out, n, from, end) : n;
}

/** Decodes the value of a `%output` line: `\ooo` octal escapes back to bytes, everything else as is. */
export function decodeOutputValue(line: Buffer, start: number): Buffer {
  if (line.indexOf(BACKSLASH, start) === -1) return line.subarray(start);
  const out = Buffer.allocUnsafe(line.length - start);
  return out.subarray(0, decodeInto(line, start, line.length, out, 0));
}

/** A pane's output decoded from the lines of one chunk, emitted as one event. */
interface PaneBatch {
  paneId: string;
  data: Buffer;
  length: number;
}

/**
 * Splits the control client's stdout into events. Holds at most one partial line between chunks. The
 * `%output` lines of a pane that follow one another in a chunk (other panes' lines in between allowed)
 * arrive as one `output` event: tmux writes a pane's output in pieces of a read each, and every event costs
 * its consumer more than its bytes do. Events keep their order: pending output is emitted before any other
 * event and at the end of each chunk.
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
  /** Output decoded from this chunk and not yet emitted, by pane (in order of first appearance). */
  private readonly batches = new Map<string, PaneBatch>();

  /** Reads a chunk of stdout and emits each event completed by it, in order; never throws on odd input. */
  push(chunk: Buffer, emit: (event: ControlEvent) => void): void {
    let from = 0;
    let nl = chunk.indexOf(NL);
    if (this.partial) {
      if (nl === -1) {
        this.partial = Buffer.concat([this.partial, chunk]);
        return;
      }
      // Only the line that straddles the chunks is copied, not the whole chunk.
      const first = Buffer.concat([this.partial, chunk.subarray(0, nl)]);
      this.partial = null;
      this.line(first, 0, first.length, emit);
      from = nl + 1;
      nl = chunk.indexOf(NL, from);
    }
    while (nl !== -1) {
      this.line(chunk, from, nl, emit);
      from = nl + 1;
      nl = chunk.indexOf(NL, from);
    }
    if (from < chunk.length) this.partial = Buffer.from(chunk.subarray(from));
    this.flush(emit);
  }

  private line(data: Buffer, start: number, stop: number, emit: (event: ControlEvent) => void): void {
    if (this.block) {
      // Pane text: kept exactly (a CR included) unless it is this block's own closing line.
      const text = data.toString('utf8', start, stop);
      const closing = this.closes(text);
      if (closing === null) {
        this.block.lines.push(text);
        return;
      }
      const block = this.block;
      this.block = null;
      this.flush(emit);
      emit({ type: 'reply', ok: closing, flags: block.flags, lines: block.lines });
      return;
    }
    // tmux ends lines with \n; a \r would only come from a terminal in between, which control mode over
    // pipes does not have.
    const end = stop > start && data[stop - 1] === 0x0d ? stop - 1 : stop;
    if (
      end - start > OUTPUT.length &&
      data.compare(OUTPUT, 0, OUTPUT.length, start, start + OUTPUT.length) === 0
    ) {
      const space = data.indexOf(0x20, start + OUTPUT.length);
      if (space === -1 || space >= end) return;
      this.output(data.toString('latin1', start + OUTPUT.length - 1, space), data, space + 1, end);
      return;
    }
    const text = data.toString('utf8', start, end);
    if (text.startsWith(BEGIN)) {
      const guard = text.slice(BEGIN.length);
      this.block = { guard, flags: Number(guard.split(' ')[2] ?? 0), lines: [] };
      return;
    }
    if (text.startsWith('%exit')) {
      this.flush(emit);
      emit({ type: 'exit', reason: text.slice(6) });
      return;
    }
    if (text.startsWith('%')) {
      const space = text.indexOf(' ');
      this.flush(emit);
      emit({
        type: 'notification',
        name: space === -1 ? text.slice(1) : text.slice(1, space),
        args: space === -1 ? '' : text.slice(space + 1),
      });
    }
  }

  /** Decodes a `%output` value into its pane's batch, grown (doubled) when it has no room left. */
  private output(paneId: string, line: Buffer, start: number, end: number): void {
    let batch = this.batches.get(paneId);
    const room = end - start;
    if (!batch) {
      // Small enough to come from Node's pool: a chunk often holds a line or two of each of many panes.
      batch = { paneId, data: Buffer.allocUnsafe(room * 2), length: 0 };
      this.batches.set(paneId, batch);
    } else if (batch.data.length - batch.length < room) {
      const grown = Buffer.allocUnsafe(Math.max(batch.data.length * 2, batch.length + room));
      batch.data.copy(grown, 0, 0, batch.length);
      batch.data = grown;
    }
    batch.length = decodeInto(line, start, end, batch.data, batch.length);
  }

  /** Emits the pending output of each pane, once. */
  private flush(emit: (event: ControlEvent) => void): void {
    if (this.batches.size === 0) return;
    for (const batch of this.batches.values()) {
      if (batch.length > 0)
        emit({ type: 'output', paneId: batch.paneId, data: batch.data.subarray(0, batch.length) });
    }
    this.batches.clear();
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
