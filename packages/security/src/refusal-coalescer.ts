/** What the coalescer keeps for the repeats of one key within a window (bounded: one prepared group). */
interface Window<T> {
  key: string;
  /** Monotonic ms at which the window closes. */
  closesAt: number;
  /** Repeats counted in this window (the first call of a burst is not one: it was written at once). */
  count: number;
  /** The first repeat, prepared (redacted and cut) when it arrived. */
  first: T | null;
  /** `time` of the latest repeat. */
  lastTime: string;
}

export interface RefusalCoalescerOptions<T> {
  /** Length of a window in ms. */
  windowMs: number;
  /** Windows open at once; beyond it the oldest is flushed early (never dropped). */
  maxKeys: number;
  /** Monotonic ms. */
  clock: () => number;
  /** Writes what a window held: its first repeat, how many repeats, and when the last one came. */
  flush: (first: T, count: number, lastTime: string) => void;
}

/**
 * Turns a burst of identical refusals into two writes per window: the first refusal goes out at once
 * (the caller writes it), the repeats within `windowMs` are counted and written as one record when the
 * window closes, by a timer, by {@link flushAll} (shutdown), or early when too many windows are open. A
 * flood that goes on keeps one record per window. Nothing is lost: every repeat is counted in some record.
 *
 * @example
 * ```ts
 * const c = new RefusalCoalescer({ windowMs: 5000, maxKeys: 10_000, clock: () => performance.now(),
 *   flush: (first, count, lastTime) => sink.write({ ...first, count, lastTime }) });
 * if (c.offer(key, record.time, () => prepare(record))) sink.write(prepare(record));
 * ```
 */
export class RefusalCoalescer<T> {
  /** In order of `closesAt`: every window has the same length and a reopened one moves to the end. */
  private readonly windows = new Map<string, Window<T>>();
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(private readonly options: RefusalCoalescerOptions<T>) {}

  /**
   * Accounts for one refusal under `key`. True: no window is open, so the caller writes it now (and a
   * window opens). False: it was counted into the open window; `prepare` ran if it was the first repeat.
   */
  offer(key: string, time: string, prepare: () => T): boolean {
    const now = this.options.clock();
    this.flushDue(now);
    const open = this.windows.get(key);
    if (open) {
      if (open.count === 0) open.first = prepare();
      open.count++;
      open.lastTime = time;
      return false;
    }
    if (this.windows.size >= this.options.maxKeys) this.flushOldest();
    this.open(key, now, time);
    return true;
  }

  /** Writes every window that holds repeats and forgets them all (shutdown). */
  flushAll(): void {
    this.clearTimer();
    const windows = [...this.windows.values()];
    this.windows.clear();
    for (const w of windows) this.emit(w);
  }

  /** Open windows, for tests and metrics. */
  get size(): number {
    return this.windows.size;
  }

  private open(key: string, now: number, time: string): void {
    this.windows.set(key, {
      key,
      closesAt: now + this.options.windowMs,
      count: 0,
      first: null,
      lastTime: time,
    });
    this.schedule();
  }

  /** Closes every window whose time is up; one that held repeats reopens, so a flood stays coalesced. */
  private flushDue(now: number): void {
    for (const w of this.windows.values()) {
      if (w.closesAt > now) break;
      this.windows.delete(w.key);
      if (w.count > 0) {
        this.emit(w);
        this.open(w.key, now, w.lastTime);
      }
    }
    this.schedule();
  }

  private flushOldest(): void {
    const oldest = this.windows.values().next();
    if (oldest.done) return;
    this.windows.delete(oldest.value.key);
    this.emit(oldest.value);
  }

  private emit(w: Window<T>): void {
    if (w.count > 0 && w.first !== null) this.options.flush(w.first, w.count, w.lastTime);
  }

  private schedule(): void {
    const next = this.windows.values().next();
    if (next.done) {
      this.clearTimer();
      return;
    }
    const at = next.value.closesAt;
    if (this.timer && this.timerAt <= at) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.flushDue(this.options.clock());
      },
      Math.max(0, Math.ceil(at - this.options.clock())),
    );
    // A pending summary must not keep the process alive; shutdown flushes it.
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
  }
}
