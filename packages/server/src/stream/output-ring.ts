/**
 * The recent output of one session pane, addressed by absolute byte offsets: offset 0 is the first byte
 * the server saw, and `end` only grows. Bytes live in fixed-size blocks allocated as output arrives; past
 * `capacity` the oldest block is dropped and `start` moves up. A client that resumes from an offset still
 * held gets exactly the bytes from there.
 *
 * @example
 * ```ts
 * const ring = new OutputRing(4 << 20);
 * ring.append(Buffer.from('hello'));
 * ring.slice(2, 1024); // <Buffer 6c 6c 6f> ("llo")
 * ```
 */
export class OutputRing {
  private readonly blocks: Buffer[] = [];
  /** Offset of the first byte of `blocks[0]`. */
  private base = 0;
  private total = 0;
  private readonly maxBlocks: number;

  constructor(
    capacity: number,
    private readonly blockBytes = 16 * 1024,
  ) {
    this.maxBlocks = Math.max(2, Math.ceil(capacity / blockBytes));
  }

  /** The oldest offset still held. */
  get start(): number {
    return this.base;
  }

  /** The offset the next byte will have (every byte ever appended). */
  get end(): number {
    return this.total;
  }

  /** Bytes held now. */
  get size(): number {
    return this.total - this.base;
  }

  /** Adds `data` at `end` (copied); past `capacity`, whole oldest blocks are dropped and `start` moves up. */
  append(data: Uint8Array): void {
    let from = 0;
    while (from < data.length) {
      const used = this.total - this.base - (this.blocks.length - 1) * this.blockBytes;
      let block = this.blocks[this.blocks.length - 1];
      let room = block ? this.blockBytes - used : 0;
      if (!block || room === 0) {
        block = Buffer.allocUnsafe(this.blockBytes);
        this.blocks.push(block);
        room = this.blockBytes;
        if (this.blocks.length > this.maxBlocks) {
          this.blocks.shift();
          this.base += this.blockBytes;
        }
      }
      const n = Math.min(room, data.length - from);
      block.set(data.subarray(from, from + n), this.blockBytes - room);
      from += n;
      this.total += n;
    }
  }

  /**
   * Up to `maxBytes` bytes from `offset`; empty when `offset` is at the end. `undefined` when `offset` is
   * no longer held (or not yet written). A view into the ring when it fits one block, else a copy.
   */
  slice(offset: number, maxBytes: number): Buffer | undefined {
    if (offset < this.base || offset > this.total) return undefined;
    const end = Math.min(this.total, offset + maxBytes);
    if (end === offset) return Buffer.alloc(0);
    const first = Math.floor((offset - this.base) / this.blockBytes);
    const last = Math.floor((end - 1 - this.base) / this.blockBytes);
    const within = (i: number, o: number) => o - this.base - i * this.blockBytes;
    if (first === last) return this.blocks[first]!.subarray(within(first, offset), within(first, end));
    const parts: Buffer[] = [];
    for (let i = first; i <= last; i++) {
      const from = i === first ? within(i, offset) : 0;
      const to = i === last ? within(i, end) : this.blockBytes;
      parts.push(this.blocks[i]!.subarray(from, to));
    }
    return Buffer.concat(parts, end - offset);
  }
}
