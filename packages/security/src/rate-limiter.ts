import { fail, ok, type BackendResult } from '@vth/core';
import { TokenBucket, type TakeResult, type TokenBucketLimits } from './token-bucket';

/** Which bucket refused: a session's, a user's, the backend-wide one, or a user's session openings. */
export type RateLimitScope = 'session' | 'user' | 'global' | 'new-session';

/** The identity calls without a `userId` are charged to, unless `anonymousUserId` names another. */
export const ANONYMOUS_USER = 'anonymous';

/**
 * Which buckets apply, and how big. Each scope is off unless given; with none, the limiter admits
 * everything.
 */
export interface RateLimiterOptions {
  /**
   * A bucket per session: one runaway session cannot starve the others. It bounds a session, not a
   * caller: whoever can open sessions gets a fresh one with each, so pair it with `perUser`, `global`
   * and `newSessions`.
   */
  perSession?: TokenBucketLimits;
  /**
   * A bucket per `context.userId`: one user cannot flood the backend from many sessions. Calls without
   * a `userId` share the bucket of `anonymousUserId`: leaving the id out is no way around the limit.
   */
  perUser?: TokenBucketLimits;
  /** One bucket for every command of the backend, whoever sends it. */
  global?: TokenBucketLimits;
  /** A bucket per user (anonymous included) for `createSession`: how fast sessions may be opened. */
  newSessions?: TokenBucketLimits;
  /** The identity calls without a `userId` are charged to. Default `'anonymous'`. */
  anonymousUserId?: string;
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
  /** Picks the `perSession` bucket. */
  sessionId: string;
  /** Absent: the anonymous identity. */
  userId?: string;
}

/** `details` of a `RATE_LIMITED` error. `retryAfterMs` is `null` when the request can never fit. */
export interface RateLimitDetails {
  /** Milliseconds to wait, rounded up so that waiting that long suffices; `null`: split the batch. */
  retryAfterMs: number | null;
  /** The bucket with the longest wait, when several refused. */
  scope: RateLimitScope;
  /** That bucket's key: the session id, the user id (or the anonymous one), or `*` for `global`. */
  key: string;
}

const ADMITTED: BackendResult<void> = Object.freeze(ok()) as BackendResult<void>;

/**
 * Token buckets per session, per user (calls without a user are one anonymous user) and for the whole
 * backend, plus a bucket per user for opening sessions. A command takes one token from every bucket that
 * applies, or from none: a command refused by the user bucket does not eat into the session's budget.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({ perUser: { capacity: 20, refillPerSecond: 2 } });
 * const r = limiter.check({ sessionId: 's1', userId: 'alice' });
 * if (!r.ok) return r; // RATE_LIMITED, dispatched: false, details.retryAfterMs
 * ```
 */
export class RateLimiter {
  private readonly scopes: Scope[] = [];
  private readonly sessions: LruMap<TokenBucket> | null = null;
  private readonly newSessions: Scope | null = null;
  /** Who opened each session (`sessionOpened`): typed input, which carries no context, is charged to them. */
  private readonly owners: LruMap<string>;
  private readonly anonymous: string;
  private readonly clock: () => number;

  /** Throws a `RangeError` on a bad limit or `maxKeys`, at construction rather than at the first command. */
  constructor(options: RateLimiterOptions = {}) {
    const maxKeys = options.maxKeys ?? 10_000;
    if (!Number.isInteger(maxKeys) || maxKeys < 1) {
      throw new RangeError(`maxKeys must be a positive integer, got ${String(maxKeys)}`);
    }
    this.clock = options.clock ?? (() => performance.now());
    this.anonymous = options.anonymousUserId ?? ANONYMOUS_USER;
    this.owners = new LruMap(maxKeys);
    // Each bucket is built once here so a bad limit throws at construction, not at the first command.
    const scope = (name: RateLimitScope, limits: TokenBucketLimits, keys: number): Scope => {
      new TokenBucket(limits);
      return { scope: name, limits, buckets: new LruMap<TokenBucket>(keys) };
    };
    if (options.perSession) {
      const sessions = scope('session', options.perSession, maxKeys);
      this.sessions = sessions.buckets;
      this.scopes.push(sessions);
    }
    if (options.perUser) this.scopes.push(scope('user', options.perUser, maxKeys));
    if (options.global) this.scopes.push(scope('global', options.global, 1));
    if (options.newSessions) this.newSessions = scope('new-session', options.newSessions, maxKeys);
  }

  /** False when no scope is configured: `check` and `checkNewSession` always admit. */
  get enabled(): boolean {
    return this.scopes.length > 0 || this.newSessions !== null;
  }

  /** True when session openings are limited (`newSessions`). */
  get limitsNewSessions(): boolean {
    return this.newSessions !== null;
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
      const id =
        scope === 'session' ? key.sessionId : scope === 'global' ? GLOBAL_KEY : this.user(key.userId);
      const bucket = buckets.getOrCreate(id, () => new TokenBucket({ ...limits, clock: this.clock }));
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

  /**
   * Takes a token from the user's `newSessions` bucket (calls without a `userId` share the anonymous
   * one). Refused: `RATE_LIMITED`, `scope: 'new-session'`. Admits when `newSessions` is not configured.
   */
  checkNewSession(userId: string | undefined, now: number = this.clock()): BackendResult<void> {
    if (!this.newSessions) return ADMITTED;
    const { limits, buckets } = this.newSessions;
    const id = this.user(userId);
    const result = buckets
      .getOrCreate(id, () => new TokenBucket({ ...limits, clock: this.clock }))
      .take(1, now);
    return result.ok ? ADMITTED : refusal('new-session', id, result.retryAfterMs, 1);
  }

  /**
   * Takes a token for typed input that completes a line (`sendInput`, which carries no context) from the
   * session's bucket, its owner's (see {@link sessionOpened}; anonymous when unknown) and the global one:
   * an idle shell runs what it is typed, so typing is no way around the limits on commands.
   */
  checkInput(sessionId: string, now: number = this.clock()): BackendResult<void> {
    const owner = this.owners.get(sessionId);
    return this.check({ sessionId, ...(owner === undefined ? {} : { userId: owner }) }, 1, now);
  }

  /** Remembers who opened a session, so the lines typed into it are charged to them. */
  sessionOpened(sessionId: string, userId: string | undefined): void {
    if (userId === undefined) this.owners.delete(sessionId);
    else this.owners.set(sessionId, userId);
  }

  private user(userId: string | undefined): string {
    return userId ?? this.anonymous;
  }

  /** Drops a session's bucket and owner (the session is gone; its id may be reused). */
  forgetSession(sessionId: string): void {
    this.sessions?.delete(sessionId);
    this.owners.delete(sessionId);
  }

  /** How many buckets are tracked in a scope (for tests and metrics). */
  trackedKeys(scope: RateLimitScope): number {
    return this.scopes.find((s) => s.scope === scope)?.buckets.size ?? 0;
  }
}

interface Scope {
  scope: RateLimitScope;
  limits: TokenBucketLimits;
  buckets: LruMap<TokenBucket>;
}

/** The one key of the global scope. */
const GLOBAL_KEY = '*';

function refusal(
  scope: RateLimitScope,
  key: string,
  retryAfterMs: number,
  cost: number,
): BackendResult<void> {
  const finite = Number.isFinite(retryAfterMs);
  const details: RateLimitDetails = { retryAfterMs: finite ? retryAfterMs : null, scope, key };
  const name =
    scope === 'global'
      ? 'backend-wide rate limit'
      : scope === 'new-session'
        ? `session creation rate limit for user "${key}"`
        : `rate limit for ${scope} "${key}"`;
  const message = finite
    ? `${name}: retry in ${retryAfterMs} ms`
    : `${name}: ${cost} commands at once exceed the burst capacity; split the batch`;
  return fail('RATE_LIMITED', message, { dispatched: false, details: { ...details } });
}

/** A Map used as an LRU: re-inserting on access keeps the most recently used keys at the end. */
class LruMap<V> {
  private readonly map = new Map<string, V>();

  constructor(private readonly maxKeys: number) {}

  get size(): number {
    return this.map.size;
  }

  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) this.set(key, value);
    return value;
  }

  getOrCreate(key: string, create: () => V): V {
    const value = this.get(key);
    if (value !== undefined) return value;
    const created = create();
    this.set(key, created);
    return created;
  }

  set(key: string, value: V): void {
    if (this.map.has(key)) this.map.delete(key);
    else if (this.map.size >= this.maxKeys) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
    this.map.set(key, value);
  }

  delete(key: string): void {
    this.map.delete(key);
  }
}
