const CR = 0x0d;
const LF = 0x0a;

/**
 * Undoes a terminal's ONLCR output translation (every `\n` a program writes arrives as `\r\n`) by dropping
 * the one `\r` before each `\n`. Exact: a program's own `\r\n` arrived as `\r\r\n` and comes back as
 * `\r\n`; a lone `\r` (a progress bar) stays. A `\r` ending a chunk waits for the next byte.
 *
 * Used where the terminal must keep ONLCR because something renders it (a tmux pane someone may attach to).
 */
export class OnlcrDecoder {
  private heldCr = false;

  push(chunk: Buffer): Buffer {
    if (chunk.length === 0) return chunk;
    let data = chunk;
    if (this.heldCr) {
      this.heldCr = false;
      data = data[0] === LF ? chunk : Buffer.concat([Buffer.of(CR), chunk]);
    }
    if (data[data.length - 1] === CR) {
      this.heldCr = true;
      data = data.subarray(0, data.length - 1);
    }
    let at = data.indexOf('\r\n');
    if (at === -1) return data;
    const parts: Buffer[] = [];
    let from = 0;
    while (at !== -1) {
      parts.push(data.subarray(from, at));
      from = at + 1; // keep the \n
      at = data.indexOf('\r\n', from);
    }
    parts.push(data.subarray(from));
    return Buffer.concat(parts);
  }

  /** The held `\r`, if the stream ended on one. */
  end(): Buffer {
    if (!this.heldCr) return Buffer.alloc(0);
    this.heldCr = false;
    return Buffer.of(CR);
  }
}
