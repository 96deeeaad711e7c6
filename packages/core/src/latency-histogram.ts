/** A latency distribution in milliseconds, as metrics report it; all zero when nothing was recorded. */
export interface LatencySummary {
  /** How many durations were recorded. */
  count: number;
  /** The shortest. */
  min: number;
  /** The longest. */
  max: number;
  /** The arithmetic mean. */
  mean: number;
  /** The median. */
  p50: number;
  /** 95 % of durations were at most this. */
  p95: number;
  /** 99 % of durations were at most this; the tail a user notices. */
  p99: number;
}

/** Values below this many microseconds get a bucket each (exact to 1 µs). */
const LINEAR_LIMIT = 64;
/** Sub-buckets per power of two above the linear range: relative error at most 1/32 (about 3 %). */
const SUB_BUCKET_BITS = 5;
const SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
/** 2^42 µs is about 50 days; anything longer lands in the last bucket (max stays exact). */
const MAX_EXPONENT = 42;
const FIRST_EXPONENT = Math.log2(LINEAR_LIMIT);
const BUCKETS = LINEAR_LIMIT + (MAX_EXPONENT - FIRST_EXPONENT + 1) * SUB_BUCKETS;

function bucketOf(micros: number): number {
  if (micros < LINEAR_LIMIT) return micros;
  const exponent = Math.min(Math.floor(Math.log2(micros)), MAX_EXPONENT);
  const sub = Math.floor(micros / 2 ** (exponent - SUB_BUCKET_BITS)) - SUB_BUCKETS;
  return LINEAR_LIMIT + (exponent - FIRST_EXPONENT) * SUB_BUCKETS + Math.min(sub, SUB_BUCKETS - 1);
}

/** Middle of a bucket, in microseconds. */
function valueOf(bucket: number): number {
  if (bucket < LINEAR_LIMIT) return bucket;
  const offset = bucket - LINEAR_LIMIT;
  const exponent = FIRST_EXPONENT + Math.floor(offset / SUB_BUCKETS);
  const width = 2 ** (exponent - SUB_BUCKET_BITS);
  const low = 2 ** exponent + (offset % SUB_BUCKETS) * width;
  return low + width / 2;
}

/**
 * A log-linear latency histogram in the spirit of HdrHistogram: O(1) `record`, fixed memory (about 1.2k
 * counters), percentiles within about 3 % at any scale. Values are milliseconds.
 *
 * @example
 * ```ts
 * const h = new LatencyHistogram();
 * h.record(0.23); h.record(1.5);
 * h.summary(); // { count: 2, p50: 0.23, p99: 1.5, ... }
 * ```
 */
export class LatencyHistogram {
  private counts = new Float64Array(BUCKETS);
  private n = 0;
  private sum = 0;
  private lo = Infinity;
  private hi = -Infinity;

  /** Adds one duration in milliseconds (negative and non-finite values are ignored as clock noise). */
  record(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.counts[bucketOf(Math.round(ms * 1000))]! += 1;
    this.n += 1;
    this.sum += ms;
    if (ms < this.lo) this.lo = ms;
    if (ms > this.hi) this.hi = ms;
  }

  /** How many durations were recorded since the last `reset`. */
  get count(): number {
    return this.n;
  }

  /** The value at quantile `q` (0..1), in ms; 0 when empty. */
  percentile(q: number): number {
    if (this.n === 0) return 0;
    const rank = Math.max(1, Math.ceil(Math.min(Math.max(q, 0), 1) * this.n));
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.counts[b]!;
      if (seen >= rank) return Math.min(Math.max(valueOf(b) / 1000, this.lo), this.hi);
    }
    return this.hi;
  }

  /** The distribution so far, for `BackendMetrics.latency`. */
  summary(): LatencySummary {
    if (this.n === 0) return { count: 0, min: 0, max: 0, mean: 0, p50: 0, p95: 0, p99: 0 };
    return {
      count: this.n,
      min: this.lo,
      max: this.hi,
      mean: this.sum / this.n,
      p50: this.percentile(0.5),
      p95: this.percentile(0.95),
      p99: this.percentile(0.99),
    };
  }

  /** Adds another histogram's samples to this one (for aggregating backends). */
  merge(other: LatencyHistogram): void {
    for (let b = 0; b < BUCKETS; b++) this.counts[b]! += other.counts[b]!;
    this.n += other.n;
    this.sum += other.sum;
    this.lo = Math.min(this.lo, other.lo);
    this.hi = Math.max(this.hi, other.hi);
  }

  /** Forgets every recorded duration (a metrics window starts over). */
  reset(): void {
    this.counts.fill(0);
    this.n = 0;
    this.sum = 0;
    this.lo = Infinity;
    this.hi = -Infinity;
  }
}
