import { fail, ok, type BackendResult } from '@vth/core';
import { TokenBucket, type TakeResult, type TokenBucketLimits } from './token-bucket';

export type RateLimitScope = 'session' | 'user';

export interface RateLimiterOptions {
  /** A bucket per session: one runaway session cannot starve the others. */
  perSession?: TokenBucketLimits;
  /** A bucket per `context.userId`: one user cannot flood the backend from many sessions. */
  perUser?: TokenBucketLimits;
  /**
   * Most keys tracked per scope; the least recently used bucket is forgotten beyond it, so a flood of
   * made-up session or user ids cannot grow memory without bound. Default 10 000.
   */
  maxKeys?: number;
  /** Monotonic milliseconds, for tests. Default `performance.now()`. */
  clock?: () => number;
}

/** Who a command is charged to. */
export interface RateLimitKey {
  sessionId: string;
  userId?: string;
}

/** `details` of a `RATE_LIMITED` error. `retryAfterMs` is `null` when the request can never fit. */
export interface RateLimitDetails {
  retryAfterMs: number | null;
  scope: RateLimitScope;
  key: string;
}

const ADMITTED: BackendResult<void> = Object.freeze(ok()) as BackendResult<void>;

/**
 * Token buckets per session and per user. A command takes one token from every bucket that applies, or
 * from none: a command refused by the user bucket does not eat into the session's budget.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({ perUser: { capacity: 20, refillPerSecond: 2 } });
 * const r = limiter.check({ sessionId: 's1', userId: 'alice' });
 * if (!r.ok) return r; // RATE_LIMITED, dispatched: false, details.retryAfterMs
 * ```
 */
export class RateLimiter {
  private readonly scopes: { scope: RateLimitScope; limits: TokenBucketLimits; buckets: LruBuckets }[] = [];
  private readonly sessions: LruBuckets | null = null;
  private readonly clock: () => number;

  constructor(options: RateLimiterOptions = {}) {
    const maxKeys = options.maxKeys ?? 10_000;
    if (!Number.isInteger(maxKeys) || maxKeys < 1) {
      throw new RangeError(`maxKeys must be a positive integer, got ${String(maxKeys)}`);
    }
    this.clock = options.clock ?? (() => performance.now());
    if (options.perSession) {
      // Built once here so a bad limit throws at construction, not at the first command.
      new TokenBucket(options.perSession);
      this.sessions = new LruBuckets(maxKeys);
      this.scopes.push({ scope: 'session', limits: options.perSession, buckets: this.sessions });
    }
    if (options.perUser) {
      new TokenBucket(options.perUser);
      this.scopes.push({ scope: 'user', limits: options.perUser, buckets: new LruBuckets(maxKeys) });
    }
  }

  /** False when no scope is configured: `check` always admits. */
  get enabled(): boolean {
    return this.scopes.length > 0;
  }

  /**
   * Takes `cost` tokens (one per command; a batch costs its length) from each applicable bucket if all
   * have them. Refused: `RATE_LIMITED`, `dispatched: false`, `details: { retryAfterMs, scope, key }`
   * naming the bucket with the longest wait.
   */
  check(key: RateLimitKey, cost = 1, now: number = this.clock()): BackendResult<void> {
    if (this.scopes.length === 0) return ADMITTED;
    const charged: TokenBucket[] = [];
    let worst: { scope: RateLimitScope; key: string; result: TakeResult & { ok: false } } | null = null;
    for (const { scope, limits, buckets } of this.scopes) {
      const id = scope === 'session' ? key.sessionId : key.userId;
      if (id === undefined) continue;
      const bucket = buckets.get(id, () => new TokenBucket({ ...limits, clock: this.clock }));
      const result = bucket.peek(cost, now);
      if (result.ok) charged.push(bucket);
      else if (!worst || result.retryAfterMs > worst.result.retryAfterMs) {
        worst = { scope, key: id, result };
      }
    }
    if (worst) return refusal(worst.scope, worst.key, worst.result.retryAfterMs, cost);
    for (const bucket of charged) bucket.take(cost, now);
    return ADMITTED;
  }

  /** Drops a session's bucket (the session is gone; its id may be reused). */
  forgetSession(sessionId: string): void {
    this.sessions?.delete(sessionId);
  }

  /** How many buckets are tracked in a scope (for tests and metrics). */
  trackedKeys(scope: RateLimitScope): number {
    return this.scopes.find((s) => s.scope === scope)?.buckets.size ?? 0;
  }
}

function refusal(
  scope: RateLimitScope,
  key: string,
  retryAfterMs: number,
  cost: number,
): BackendResult<void> {
  const finite = Number.isFinite(retryAfterMs);
  const details: RateLimitDetails = { retryAfterMs: finite ? retryAfterMs : null, scope, key };
  const message = finite
    ? `rate limit for ${scope} "${key}": retry in ${retryAfterMs} ms`
    : `rate limit for ${scope} "${key}": ${cost} commands at once exceed the burst capacity; split the batch`;
  return fail('RATE_LIMITED', message, { dispatched: false, details: { ...details } });
}

/** A Map used as an LRU: re-inserting on access keeps the most recently used keys at the end. */
class LruBuckets {
  private readonly map = new Map<string, TokenBucket>();

  constructor(private readonly maxKeys: number) {}

  get size(): number {
    return this.map.size;
  }

  get(key: string, create: () => TokenBucket): TokenBucket {
    let bucket = this.map.get(key);
    if (bucket) {
      this.map.delete(key);
    } else {
      bucket = create();
      if (this.map.size >= this.maxKeys) {
        const oldest = this.map.keys().next();
        if (!oldest.done) this.map.delete(oldest.value);
      }
    }
    this.map.set(key, bucket);
    return bucket;
  }

  delete(key: string): void {
    this.map.delete(key);
  }
}
