/** Start of a UTF-8 character (not a continuation byte 10xxxxxx). */
function isCharStart(byte: number): boolean {
  return (byte & 0xc0) !== 0x80;
}

/** Length of the longest prefix of `buf` that ends on a UTF-8 character boundary. */
function completePrefixLength(buf: Buffer): number {
  // Walk back over at most 3 continuation bytes to the lead byte of the last character.
  let i = buf.length - 1;
  let back = 0;
  while (i >= 0 && back < 3 && !isCharStart(buf[i]!)) {
    i--;
    back++;
  }
  if (i < 0) return 0;
  const lead = buf[i]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return buf.length - i >= need ? buf.length : i;
}

/** Offset of the first character boundary in `buf` (skips at most 3 continuation bytes). */
function firstCharStart(buf: Buffer): number {
  let i = 0;
  while (i < buf.length && i < 3 && !isCharStart(buf[i]!)) i++;
  return i;
}

/** How a {@link BoundedOutputBuffer} splits its budget between the head and the tail of the output. */
export interface BoundedOutputBufferOptions {
  /** Bytes kept from the start; the rest of `maxBytes` keeps the end. Default: half of `maxBytes`. */
  headBytes?: number;
}

/**
 * Collects a command's output within a byte budget: the first and the last bytes are kept, the middle is
 * cut and counted in `truncatedBytes`. Memory never exceeds `maxBytes` plus one chunk, however much the
 * command prints. Cuts fall on UTF-8 character boundaries, so the text never gains replacement characters.
 *
 * @example
 * ```ts
 * const buf = new BoundedOutputBuffer(1024);
 * buf.append(Buffer.from(hugeOutput));
 * const { text, truncatedBytes } = buf.read();
 * ```
 */
export class BoundedOutputBuffer {
  /** The budget: bytes kept at most (head plus tail). */
  readonly maxBytes: number;
  private readonly headLimit: number;
  private readonly tailLimit: number;
  private head: Buffer[] = [];
  private headSize = 0;
  private tail: Buffer[] = [];
  private tailSize = 0;
  private total = 0;

  constructor(maxBytes: number, options: BoundedOutputBufferOptions = {}) {
    this.maxBytes = Math.max(0, Math.floor(maxBytes));
    this.headLimit = Math.min(this.maxBytes, Math.max(0, Math.floor(options.headBytes ?? this.maxBytes / 2)));
    this.tailLimit = this.maxBytes - this.headLimit;
  }

  /** Every byte ever appended. */
  get totalBytes(): number {
    return this.total;
  }

  /** Adds output as it arrives; bytes past the head budget go to the tail, pushing out its oldest. */
  append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.total += chunk.length;
    let rest = chunk;
    if (this.headSize < this.headLimit) {
      const take = Math.min(this.headLimit - this.headSize, rest.length);
      this.head.push(rest.subarray(0, take));
      this.headSize += take;
      rest = rest.subarray(take);
      if (rest.length === 0) return;
    }
    if (this.tailLimit === 0) return;
    if (rest.length >= this.tailLimit) {
      // Copy so a huge chunk is not kept alive for the sake of its last bytes.
      this.tail = [Buffer.from(rest.subarray(rest.length - this.tailLimit))];
      this.tailSize = this.tailLimit;
      return;
    }
    this.tail.push(rest);
    this.tailSize += rest.length;
    while (this.tailSize - this.tail[0]!.length >= this.tailLimit) {
      this.tailSize -= this.tail.shift()!.length;
    }
  }

  /** The kept text and how many bytes were cut. */
  read(): { text: string; truncatedBytes: number } {
    const head = Buffer.concat(this.head, this.headSize);
    let tail = Buffer.concat(this.tail, this.tailSize);
    if (this.tailSize > this.tailLimit) tail = tail.subarray(this.tailSize - this.tailLimit);
    const kept = head.length + tail.length;
    if (kept === this.total) {
      return { text: Buffer.concat([head, tail]).toString('utf8'), truncatedBytes: 0 };
    }
    const headEnd = completePrefixLength(head);
    const tailStart = firstCharStart(tail);
    const text = head.toString('utf8', 0, headEnd) + tail.toString('utf8', tailStart);
    return { text, truncatedBytes: this.total - headEnd - (tail.length - tailStart) };
  }

  /** Empties the buffer for the next command, budget unchanged. */
  clear(): void {
    this.head = [];
    this.headSize = 0;
    this.tail = [];
    this.tailSize = 0;
    this.total = 0;
  }
}

/**
 * The last `n` lines of `text` (what `capture({ lines })` returns); a final newline is kept and does not
 * count as a line of its own.
 *
 * @example lastLines('a\nb\nc\n', 2) === 'b\nc\n'
 */
export function lastLines(text: string, n: number): string {
  const trailing = text.endsWith('\n');
  const lines = (trailing ? text.slice(0, -1) : text).split('\n');
  return lines.slice(-n).join('\n') + (trailing ? '\n' : '');
}
