/**
 * A fixed-size ring of the most recent entries: pushing beyond `capacity` drops the oldest, in O(1) and
 * without growing.
 */
export class CommandHistory<T> {
  private readonly slots: Array<T | undefined>;
  private start = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.slots = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.size;
  }

  push(entry: T): void {
    if (this.size < this.capacity) {
      this.slots[(this.start + this.size) % this.capacity] = entry;
      this.size++;
      return;
    }
    this.slots[this.start] = entry;
    this.start = (this.start + 1) % this.capacity;
  }

  /** The last `limit` entries (all by default), oldest first, newest last. */
  recent(limit: number = this.size): T[] {
    const n = Math.max(0, Math.min(Math.floor(limit), this.size));
    const out: T[] = [];
    for (let i = this.size - n; i < this.size; i++) out.push(this.slots[(this.start + i) % this.capacity]!);
    return out;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.start = 0;
    this.size = 0;
  }
}
