import { type AlertClock, type AlertTimer } from '../clock';

interface Scheduled {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock that moves only when told: `advance(ms)` runs every timer that falls due on the way, in order,
 * each at its own time (`now()` reads the timer's due time while it runs). For tests of for-durations,
 * resolve delays and back-off without sleeping.
 *
 * @example
 * ```ts
 * const clock = new ManualClock(Date.parse('2030-01-01T00:00:00Z'));
 * const engine = expectOk(AlertEngine.create({ config, clock }));
 * clock.advance(30_000); // the for-duration passes: the alert fires
 * ```
 */
export class ManualClock implements AlertClock {
  private time: number;
  private seq = 0;
  private readonly timers: Scheduled[] = [];

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(fn: () => void, ms: number): AlertTimer {
    const entry: Scheduled = { at: this.time + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(entry);
    return {
      cancel: () => {
        const i = this.timers.indexOf(entry);
        if (i >= 0) this.timers.splice(i, 1);
      },
    };
  }

  /** Timers not yet run. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves the time forward by `ms`, running the timers due on the way (and those they set, if due). */
  advance(ms: number): void {
    const end = this.time + Math.max(0, ms);
    for (;;) {
      let next: Scheduled | undefined;
      for (const t of this.timers) {
        if (t.at <= end && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      }
      if (!next) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.time = Math.max(this.time, next.at);
      next.fn();
    }
    this.time = end;
  }
}
