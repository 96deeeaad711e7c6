import { MARK_OSC, QUIET, REARM_REQUEST } from './marks';
import { unquoteShellWord } from './shell-quote';

/**
 * What `MarkParser.push` finds in the shell's output: plain bytes, or one of vth's marks carrying the
 * session's nonce (see `MARK_OSC` for the wire format). A mark proves only that something holding the nonce
 * printed it; the runner decides which marks count for which command.
 */
export type ShellEvent =
  | {
      /** Bytes that are not a mark of ours (foreign marks included), verbatim. */
      type: 'output';
      /** A view into the pushed chunk: copy it to keep it past the callback. */
      data: Buffer;
    }
  | {
      /** `S`: the shell read command `id` and is about to run it. */
      type: 'start';
      /** The command id the runner gave the command. */
      id: string;
    }
  | {
      /** `E`: command `id` ended. */
      type: 'end';
      /** The command id the runner gave the command. */
      id: string;
      /** `$?` (0-255); `null` when the field was not a valid status. */
      exitCode: number | null;
      /** `$PWD` after the command, unquoted; absent when the shell did not report one. */
      cwd?: string;
      /** `$-` holds `x`: `set -x` is on, so the next command line must keep vth's statements out of the trace. */
      tracing: boolean;
    }
  | {
      /** `I`: the text of command `id` is incomplete (open quote, heredoc); nothing ran. */
      type: 'incomplete';
      /** The command id the runner gave the command. */
      id: string;
    }
  | {
      /** `P`: the shell shows a prompt. */
      type: 'prompt';
      /** The last command the shell started; empty in a shell that has run nothing yet. */
      id: string;
      /** `$?` at the prompt; `null` when the field was not a valid status. */
      exitCode: number | null;
      /** `$PWD` at the prompt, unquoted; absent when the shell did not report one. */
      cwd?: string;
      /** `$-` holds `x` (`set -x` is on). */
      tracing: boolean;
    }
  | {
      /** `X`: the shell is exiting. */
      type: 'exit';
      /** The command that ran `exit`; empty when the shell exits at its prompt (Ctrl-D). */
      id: string;
      /** The shell's exit status; `null` when the field was not a valid status. */
      exitCode: number | null;
    }
  | {
      /** `ESC ] 6973 ; R BEL`: a shell without vth's hooks asks to be re-armed (anyone can print this). */
      type: 'rearm-request';
    }
  | {
      /** `ESC ] 6973 ; Q BEL`: the shell turned echo off (anyone can print this). */
      type: 'quiet';
    }
  | {
      /** The first mark carrying the nonce given to `expect()`: the new hooks are in; the old nonce is dropped. */
      type: 'rearmed';
    };

const ESC = 0x1b;
const BEL = 0x07;
const PREFIX = Buffer.from(`\x1b]${MARK_OSC};`, 'latin1');

/** Limits of a `MarkParser`. */
export interface MarkParserOptions {
  /**
   * A candidate mark longer than this is not ours (ours are short; the cwd is at most a few KiB), so
   * an unterminated look-alike cannot make the parser hold output back forever.
   */
  maxMarkBytes?: number;
}

function parseStatus(field: string | undefined): number | null {
  if (field === undefined || !/^\d{1,3}$/.test(field)) return null;
  const n = Number(field);
  return n <= 255 ? n : null;
}

function parseCwd(field: string | undefined): string | undefined {
  if (field === undefined || field === '') return undefined;
  return unquoteShellWord(field).toString('utf8');
}

/**
 * A streaming parser of a shell's raw output: splits it into plain output and the marks carrying our
 * nonce. Marks may be split across chunks at any byte; marks with another nonce (a nested session, a
 * `cat` of an old log, a command faking one) are output like any other bytes. Only bytes that may begin
 * a mark are held back, so output flows with no added latency.
 *
 * Cost: one native `indexOf(ESC)` scan per chunk; no rescans of earlier bytes.
 *
 * @example
 * ```ts
 * const parser = new MarkParser(nonce);
 * pty.onData((chunk) => parser.push(chunk, (event) => handle(event)));
 * ```
 */
export class MarkParser {
  private nonce: string;
  /** A nonce typed into the shell in a fresh bootstrap, not yet seen in a mark (see `expect`). */
  private nextNonce: string | null = null;
  private readonly maxMarkBytes: number;
  private pending: Buffer | null = null;

  constructor(nonce: string, options: MarkParserOptions = {}) {
    this.nonce = nonce;
    this.maxMarkBytes = options.maxMarkBytes ?? 64 * 1024;
  }

  /**
   * A bootstrap with `nonce` was typed into the shell: marks with either nonce count until the first one
   * with the new nonce arrives, which is announced by a `rearmed` event; from then on only the new one does.
   */
  expect(nonce: string): void {
    this.nextNonce = nonce;
  }

  /**
   * Parses `chunk`, calling `emit` synchronously, in order, for its output and marks. Bytes that may begin
   * a mark split across chunks are held until the next push (or `flush`).
   */
  push(chunk: Buffer, emit: (event: ShellEvent) => void): void {
    const data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    let outStart = 0;
    let pos = 0;
    while (pos < data.length) {
      const esc = data.indexOf(ESC, pos);
      if (esc === -1) break;
      // Does a mark prefix start here? Compare what we have; hold back if the chunk ends mid-prefix.
      const avail = Math.min(PREFIX.length, data.length - esc);
      if (data.compare(PREFIX, 0, avail, esc, esc + avail) !== 0) {
        pos = esc + 1;
        continue;
      }
      if (avail < PREFIX.length) {
        this.hold(data, outStart, esc, emit);
        return;
      }
      const bodyStart = esc + PREFIX.length;
      const window = data.subarray(0, Math.min(data.length, esc + this.maxMarkBytes));
      const bel = window.indexOf(BEL, bodyStart);
      // Our marks never hold an ESC (the cwd is quoted), so one before the terminator means this is a
      // look-alike; the ESC may begin a real mark and is examined next.
      const nextEsc = window.indexOf(ESC, bodyStart);
      if (nextEsc !== -1 && (bel === -1 || nextEsc < bel)) {
        pos = nextEsc;
        continue;
      }
      if (bel === -1) {
        if (data.length - esc < this.maxMarkBytes) {
          this.hold(data, outStart, esc, emit);
          return;
        }
        pos = esc + 1; // too long to be ours: plain output
        continue;
      }
      const event = this.decode(data.toString('latin1', bodyStart, bel));
      if (event === null) {
        pos = bel + 1; // a foreign or malformed mark is output, verbatim
        continue;
      }
      if (esc > outStart) emit({ type: 'output', data: data.subarray(outStart, esc) });
      if (this.rotated) {
        this.rotated = false;
        emit({ type: 'rearmed' });
      }
      emit(event);
      outStart = pos = bel + 1;
    }
    if (outStart < data.length) emit({ type: 'output', data: data.subarray(outStart) });
  }

  /** Releases bytes held back as a possible partial mark (call when the stream ends). */
  flush(emit: (event: ShellEvent) => void): void {
    if (this.pending && this.pending.length > 0) emit({ type: 'output', data: this.pending });
    this.pending = null;
  }

  private hold(data: Buffer, outStart: number, from: number, emit: (event: ShellEvent) => void): void {
    if (from > outStart) emit({ type: 'output', data: data.subarray(outStart, from) });
    // Copy: the caller's chunk may be a view into a larger buffer that should not stay alive.
    this.pending = Buffer.from(data.subarray(from));
  }

  /** Set by `decode` when a mark carried the expected nonce: `push` announces it before the mark. */
  private rotated = false;

  private decode(body: string): Exclude<ShellEvent, { type: 'output' }> | null {
    if (body === REARM_REQUEST) return { type: 'rearm-request' };
    if (body === QUIET) return { type: 'quiet' };
    // body: <kind>;<nonce>;<fields...>; the cwd is last and may itself contain ';' (quoted as '\;').
    if (body[1] !== ';') return null;
    const nonceEnd = body.indexOf(';', 2);
    const nonce = nonceEnd === -1 ? body.slice(2) : body.slice(2, nonceEnd);
    const fresh = nonce !== this.nonce;
    if (fresh && nonce !== this.nextNonce) return null;
    const event = decodeFields(body[0], nonceEnd === -1 ? '' : body.slice(nonceEnd + 1));
    if (event && fresh) {
      this.nonce = nonce;
      this.nextNonce = null;
      this.rotated = true;
    }
    return event;
  }
}

/** The event of a mark of `kind` whose fields after the nonce are `rest`; `null` when malformed. */
function decodeFields(
  kind: string | undefined,
  rest: string,
): Exclude<ShellEvent, { type: 'output' }> | null {
  switch (kind) {
    case 'S':
      return rest ? { type: 'start', id: rest } : null;
    case 'I':
      return rest ? { type: 'incomplete', id: rest } : null;
    case 'E': {
      const [id, status, flags, cwd] = splitFields(rest, 4);
      if (!id) return null;
      const c = parseCwd(cwd);
      return {
        type: 'end',
        id,
        exitCode: parseStatus(status),
        tracing: flags?.includes('x') === true,
        ...(c === undefined ? {} : { cwd: c }),
      };
    }
    case 'P': {
      const [id, status, flags, cwd] = splitFields(rest, 4);
      const c = parseCwd(cwd);
      return {
        type: 'prompt',
        id: id ?? '',
        exitCode: parseStatus(status),
        tracing: flags?.includes('x') === true,
        ...(c === undefined ? {} : { cwd: c }),
      };
    }
    case 'X': {
      const [id, status] = splitFields(rest, 2);
      return { type: 'exit', id: id ?? '', exitCode: parseStatus(status) };
    }
    default:
      return null;
  }
}

/** Splits on ';' into at most `n` fields, the last one keeping any further ';'. */
function splitFields(s: string, n: number): string[] {
  const out: string[] = [];
  let from = 0;
  while (out.length < n - 1) {
    const at = s.indexOf(';', from);
    if (at === -1) break;
    out.push(s.slice(from, at));
    from = at + 1;
  }
  out.push(s.slice(from));
  return out;
}
