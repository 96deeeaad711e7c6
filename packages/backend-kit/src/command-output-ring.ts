/** A slice of a command's output, by byte offset. */
export interface OutputSlice {
  /** Byte offset of `bytes`' first byte in the command's whole output. */
  offset: number;
  /** The bytes held from `offset` on (up to what was asked). */
  bytes: Buffer;
  /** Bytes asked for (from the asked offset) that are no longer held. */
  skippedBytes: number;
}

/** A UTF-8 continuation byte (`10xxxxxx`): never the first byte of a character. */
const isContinuation = (byte: number | undefined) => byte !== undefined && (byte & 0xc0) === 0x80;

/**
 * The most recent `capacity` bytes of a command's output, addressed by their offset in the whole output
 * (so a reader that comes back later gets only what is new, and learns how much it missed). Slices never
 * split a UTF-8 character: a cut falls back to the character's start.
 *
 * @example
 * ```ts
 * const ring = new CommandOutputRing(1 << 20);
 * ring.append(Buffer.from('ready\n'));
 * ring.slice(0, 64 * 1024); // { offset: 0, bytes: <ready\n>, skippedBytes: 0 }
 * ```
 */
export class CommandOutputRing {
  private chunks: Buffer[] = [];
  private held = 0;
  /** Bytes ever appended. */
  total = 0;

  constructor(
    /** The most bytes held; older ones are dropped (`slice` never starts mid-character). */
    readonly capacity: number,
  ) {}

  /** Offset of the oldest byte still held. */
  get start(): number {
    return this.total - this.held;
  }

  /** Adds the command's next bytes, dropping the oldest past `capacity`. The ring keeps `bytes`: do not reuse it. */
  append(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.held += bytes.length;
    this.total += bytes.length;
    while (this.held > this.capacity) {
      const first = this.chunks[0]!;
      const excess = this.held - this.capacity;
      if (first.length <= excess) {
        this.chunks.shift();
        this.held -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.held -= excess;
      }
    }
  }

  /**
   * Up to `maxBytes` bytes from `from` (or from the oldest byte held, when `from` is older), ending on a
   * character boundary; `from` past the end answers an empty slice at the end.
   */
  slice(from: number, maxBytes: number): OutputSlice {
    const held = this.concat();
    let at = Math.max(from, this.start) - this.start;
    // A trimmed ring may start inside a character: skip its tail rather than answer half of it.
    while (at < held.length && isContinuation(held[at])) at++;
    let end = Math.min(held.length, at + maxBytes);
    if (end < held.length) {
      let cut = end;
      while (cut > at && isContinuation(held[cut])) cut--;
      // One character longer than maxBytes: answer it whole rather than nothing.
      end = cut > at ? cut : end;
      while (end < held.length && isContinuation(held[end])) end++;
    }
    const offset = this.start + at;
    return {
      offset,
      bytes: held.subarray(at, end),
      skippedBytes: Math.max(0, Math.min(offset, this.total) - from),
    };
  }

  /** The last `maxBytes` bytes held from `from` on (what `waitFor` answers and matches against). */
  tail(from: number, maxBytes: number): OutputSlice {
    const begin = Math.max(from, this.total - maxBytes);
    const slice = this.slice(begin, maxBytes);
    return { ...slice, skippedBytes: slice.offset - Math.min(from, slice.offset) };
  }

  private concat(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }
}
