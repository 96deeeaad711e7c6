/**
 * Exponential backoff with full jitter: the n-th wait (from 0) is uniform in [0, min(max, initial * 2^n)],
 * so many clients that lost the same server do not come back in step.
 *
 * @example
 * ```ts
 * const backoff = new Backoff({ initialDelayMs: 50, maxDelayMs: 2000 });
 * setTimeout(reconnect, backoff.next());
 * backoff.reset(); // once connected
 * ```
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly limits: { initialDelayMs: number; maxDelayMs: number },
    private readonly random: () => number = Math.random,
  ) {}

  /** The next wait, in milliseconds. */
  next(): number {
    const ceiling = Math.min(this.limits.maxDelayMs, this.limits.initialDelayMs * 2 ** this.attempt);
    if (ceiling < this.limits.maxDelayMs) this.attempt++;
    return Math.round(this.random() * ceiling);
  }

  /** Starts over from `initialDelayMs`: call it once a connection succeeded. */
  reset(): void {
    this.attempt = 0;
  }
}
