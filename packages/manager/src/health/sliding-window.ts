import { type LatencySummary } from '@vth/core';
import { LatencyHistogram } from '@vth/core/kit';

/** What a window holds at a moment. */
export interface WindowSummary {
  calls: number;
  failures: number;
  /** failures / calls; 0 when the window is empty. */
  errorRate: number;
  /** Latency of the successful calls (see `SlidingWindow.record`). */
  latency: LatencySummary;
}

interface Bucket {
  /** Which slice of time (`floor(now / width)`) the counts belong to; a stale epoch means empty. */
  epoch: number;
  calls: number;
  failures: number;
  latency: LatencyHistogram | null;
}

const EMPTY_LATENCY: LatencySummary = { count: 0, min: 0, max: 0, mean: 0, p50: 0, p95: 0, p99: 0 };

/** Callers get their own copy: the cached summary must not change under a caller that edits its result. */
function copy(summary: WindowSummary): WindowSummary {
  return { ...summary, latency: { ...summary.latency } };
}

/**
 * Calls and their latencies over the last `windowMs`, in a ring of time buckets (10 by default): O(1)
 * `record`, fixed memory, no timers. A call counts for between `windowMs - windowMs / buckets` and
 * `windowMs` after it was recorded: old calls leave a bucket at a time. Time is always passed in, so tests
 * drive it with a fake clock.
 *
 * @example
 * ```ts
 * const window = new SlidingWindow(60_000);
 * window.record(true, 12, Date.now());
 * window.record(false, 0, Date.now());
 * window.summary(Date.now()); // { calls: 2, failures: 1, errorRate: 0.5, latency: { count: 1, p50: 12, ... } }
 * ```
 */
export class SlidingWindow {
  readonly windowMs: number;
  private readonly width: number;
  private readonly buckets: Bucket[];
  /** Bumped on every change, so a summary can be reused until something is recorded or time moves on. */
  private version = 0;
  private cached: { epoch: number; version: number; summary: WindowSummary } | null = null;

  /** @throws RangeError when `windowMs` is not positive or `bucketCount` not a positive integer. */
  constructor(windowMs: number, bucketCount = 10) {
    if (!(windowMs > 0) || !Number.isFinite(windowMs)) throw new RangeError('windowMs must be positive');
    if (!Number.isInteger(bucketCount) || bucketCount < 1) {
      throw new RangeError('bucketCount must be a positive integer');
    }
    this.windowMs = windowMs;
    this.width = windowMs / bucketCount;
    this.buckets = Array.from({ length: bucketCount }, () => ({
      epoch: -Infinity,
      calls: 0,
      failures: 0,
      latency: null,
    }));
  }

  /**
   * Counts one call. Only successful calls add their latency: a backend that fails fast would otherwise
   * look like the fastest one, and a timeout's latency is the timeout, not the backend's speed.
   */
  record(ok: boolean, latencyMs: number | undefined, now: number): void {
    const epoch = Math.floor(now / this.width);
    const bucket = this.buckets[this.slot(epoch)]!;
    if (bucket.epoch !== epoch) {
      bucket.epoch = epoch;
      bucket.calls = 0;
      bucket.failures = 0;
      bucket.latency?.reset();
    }
    bucket.calls++;
    if (!ok) bucket.failures++;
    else if (latencyMs !== undefined) (bucket.latency ??= new LatencyHistogram()).record(latencyMs);
    this.version++;
  }

  summary(now: number): WindowSummary {
    const current = Math.floor(now / this.width);
    const cached = this.cached;
    if (cached && cached.epoch === current && cached.version === this.version) return copy(cached.summary);
    let calls = 0;
    let failures = 0;
    let merged: LatencyHistogram | null = null;
    for (const bucket of this.buckets) {
      // A bucket from the future (the clock went back) is left out rather than counted twice later.
      if (bucket.epoch > current || bucket.epoch <= current - this.buckets.length) continue;
      calls += bucket.calls;
      failures += bucket.failures;
      if (bucket.latency && bucket.latency.count > 0)
        (merged ??= new LatencyHistogram()).merge(bucket.latency);
    }
    const summary: WindowSummary = {
      calls,
      failures,
      errorRate: calls === 0 ? 0 : failures / calls,
      latency: merged ? merged.summary() : { ...EMPTY_LATENCY },
    };
    this.cached = { epoch: current, version: this.version, summary };
    return copy(summary);
  }

  /** Forgets every call. */
  reset(): void {
    for (const bucket of this.buckets) {
      bucket.epoch = -Infinity;
      bucket.calls = 0;
      bucket.failures = 0;
      bucket.latency?.reset();
    }
    this.version++;
  }

  private slot(epoch: number): number {
    const n = this.buckets.length;
    return ((epoch % n) + n) % n;
  }
}
