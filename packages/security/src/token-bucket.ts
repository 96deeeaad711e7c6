/** How a bucket is sized: `capacity` tokens at most (the burst), refilled at `refillPerSecond`. */
export interface TokenBucketLimits {
  /** Most tokens the bucket holds: how many commands may run back to back after a quiet spell. */
  capacity: number;
  /** Tokens added per second: the sustained rate. */
  refillPerSecond: number;
}

/** A bucket's limits and, for tests, its clock. */
export interface TokenBucketOptions extends TokenBucketLimits {
  /**
   * A monotonic clock in milliseconds. Default `performance.now()`: wall-clock time can jump (NTP, a
   * suspended laptop), and a jump forward would refill every bucket at once.
   */
  clock?: () => number;
}

/** What `take` and `peek` answer: the tokens are there, or how long until they will be. */
export type TakeResult =
  | {
      /** The tokens are available (taken, for `take`). */
      ok: true;
    }
  | {
      /** Not enough tokens; nothing was taken. */
      ok: false;
      /**
       * Milliseconds until the tokens will be there, rounded up (at least 1), so waiting that long
       * suffices; `Infinity` when more tokens were asked for than the bucket can ever hold.
       */
      retryAfterMs: number;
    };

/**
 * Floating-point refill math leaves crumbs (0.1 + 0.2 tokens); without a tolerance a bucket refilled to
 * 0.9999999999 tokens would refuse a command whose wait rounds to 0 ms.
 */
const EPSILON = 1e-9;

const TAKEN: TakeResult = Object.freeze({ ok: true }) as TakeResult;

/**
 * A token bucket: bursts up to `capacity`, then `refillPerSecond` on average. A refused `take` consumes
 * nothing and says exactly how long to wait.
 *
 * @example
 * ```ts
 * const bucket = new TokenBucket({ capacity: 10, refillPerSecond: 2 });
 * const r = bucket.take();
 * if (!r.ok) console.log(`retry in ${r.retryAfterMs} ms`);
 * ```
 */
export class TokenBucket {
  /** The burst, as given: the most tokens the bucket holds, and the most one `take` can ever get. */
  readonly capacity: number;
  /** The sustained rate, as given, in tokens per second. */
  readonly refillPerSecond: number;
  private readonly clock: () => number;
  private level: number;
  private last: number;

  /**
   * Starts full. Throws a `RangeError` when `capacity` or `refillPerSecond` is not a finite number above
   * 0 (`securityOptionsSchema` rejects such limits as `INVALID_CONFIG` before they get here).
   */
  constructor(options: TokenBucketOptions) {
    assertPositive(options.capacity, 'capacity');
    assertPositive(options.refillPerSecond, 'refillPerSecond');
    this.capacity = options.capacity;
    this.refillPerSecond = options.refillPerSecond;
    this.clock = options.clock ?? (() => performance.now());
    this.level = options.capacity;
    this.last = this.clock();
  }

  /** Tokens available at `now` (fractional while refilling). */
  tokens(now: number = this.clock()): number {
    this.refill(now);
    return this.level;
  }

  /**
   * Whether `n` tokens are available at `now`, without taking them: lets a caller check several buckets
   * and take from all or none.
   */
  peek(n = 1, now: number = this.clock()): TakeResult {
    this.refill(now);
    if (this.level + EPSILON >= n) return TAKEN;
    if (n > this.capacity) return { ok: false, retryAfterMs: Number.POSITIVE_INFINITY };
    const waitMs = ((n - this.level) / this.refillPerSecond) * 1000;
    return { ok: false, retryAfterMs: Math.max(1, Math.ceil(waitMs - 1e-6)) };
  }

  /**
   * Takes `n` tokens if the bucket holds them; otherwise takes nothing and reports the wait until it
   * will. More than `capacity` tokens can never be taken (`retryAfterMs: Infinity`).
   */
  take(n = 1, now: number = this.clock()): TakeResult {
    const r = this.peek(n, now);
    if (r.ok) this.level = Math.max(0, this.level - n);
    return r;
  }

  private refill(now: number): void {
    // A clock that goes backwards (a misused fake clock) must not drain or overfill the bucket.
    if (!(now > this.last)) return;
    this.level = Math.min(this.capacity, this.level + ((now - this.last) / 1000) * this.refillPerSecond);
    this.last = now;
  }
}

function assertPositive(value: number, name: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a finite number greater than 0, got ${String(value)}`);
  }
}
