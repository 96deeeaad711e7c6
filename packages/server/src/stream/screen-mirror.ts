import { SerializeAddon } from '@xterm/addon-serialize';
import { Terminal } from '@xterm/headless';
import { type OutputRing } from './output-ring';

export interface ScreenSnapshot {
  /** The screen reflects every byte before this offset. */
  offset: number;
  cols: number;
  rows: number;
  /** xterm's serialize format: write it into a reset terminal of `cols` x `rows`. */
  data: string;
}

interface SizeMark {
  offset: number;
  cols: number;
  rows: number;
}

/** Bytes handed to the terminal per write while catching up. */
const FEED_BYTES = 256 * 1024;
/** Size changes remembered for a catch-up; older ones than the parsed point fold into one. */
const MAX_SIZE_MARKS = 64;

/**
 * The screen of a session pane as a terminal shows it, rendered by a headless xterm.js on demand: parsing
 * every byte as it arrives would halve the throughput of a busy session, so the mirror catches up from the
 * ring when a snapshot is asked for (at most the ring's capacity to parse). When the ring has already
 * dropped bytes the mirror never parsed, it starts over from the oldest byte held: modes set before that
 * (an alternate screen entered long ago) are then lost — the documented limit of a snapshot.
 *
 * @example
 * ```ts
 * const mirror = new ScreenMirror(ring, 120, 30);
 * mirror.resized(ring.end, 100, 40);
 * const snap = await mirror.snapshot(); // { offset, cols, rows, data }
 * ```
 */
export class ScreenMirror {
  private terminal: Terminal | undefined;
  private serializer: SerializeAddon | undefined;
  private parsed = 0;
  private marks: SizeMark[];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ring: OutputRing,
    cols: number,
    rows: number,
  ) {
    this.marks = [{ offset: 0, cols, rows }];
  }

  /** The size bytes from `offset` on are laid out for. */
  resized(offset: number, cols: number, rows: number): void {
    this.marks.push({ offset, cols, rows });
    if (this.marks.length > MAX_SIZE_MARKS) this.marks.splice(0, this.marks.length - MAX_SIZE_MARKS);
  }

  /** Renders every byte the ring holds up to its end now. Snapshots are taken one at a time, in order. */
  snapshot(): Promise<ScreenSnapshot> {
    const next = this.queue.then(() => this.catchUp());
    this.queue = next.catch(() => undefined);
    return next;
  }

  dispose(): void {
    this.terminal?.dispose();
    this.terminal = undefined;
    this.serializer = undefined;
  }

  private sizeAt(offset: number): SizeMark {
    let found = this.marks[0]!;
    for (const m of this.marks) if (m.offset <= offset) found = m;
    return found;
  }

  private async catchUp(): Promise<ScreenSnapshot> {
    const target = this.ring.end;
    if (!this.terminal || this.parsed < this.ring.start) {
      this.terminal?.dispose();
      const size = this.sizeAt(this.ring.start);
      this.terminal = new Terminal({
        cols: size.cols,
        rows: size.rows,
        scrollback: 0,
        allowProposedApi: true,
      });
      this.serializer = new SerializeAddon();
      this.terminal.loadAddon(this.serializer);
      this.parsed = this.ring.start;
    }
    const terminal = this.terminal;
    while (this.parsed < target) {
      const size = this.sizeAt(this.parsed);
      if (terminal.cols !== size.cols || terminal.rows !== size.rows) terminal.resize(size.cols, size.rows);
      const nextMark = this.marks.find((m) => m.offset > this.parsed);
      const stop = Math.min(target, nextMark?.offset ?? target, this.parsed + FEED_BYTES);
      const bytes = this.ring.slice(this.parsed, stop - this.parsed);
      if (!bytes) {
        // The ring moved past us while we parsed: start over from what it holds.
        this.parsed = -1;
        return this.catchUp();
      }
      // Copied: the ring may reuse nothing, but a view would keep a whole block alive inside xterm's queue.
      await new Promise<void>((resolve) => terminal.write(Uint8Array.from(bytes), resolve));
      this.parsed = stop;
    }
    const size = this.sizeAt(target);
    if (terminal.cols !== size.cols || terminal.rows !== size.rows) terminal.resize(size.cols, size.rows);
    return { offset: target, cols: size.cols, rows: size.rows, data: this.serializer!.serialize() };
  }
}
