import { TokenBucket } from './token-bucket';

/** A clock the test moves by hand: no waiting, no timing thresholds. */
function fakeClock(start = 1_000) {
  let now = start;
  return {
    clock: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('TokenBucket', () => {
  it('starts full and allows a burst of exactly its capacity', () => {
    const { clock } = fakeClock();
    const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 1, clock });
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(bucket.take()).toEqual({ ok: false, retryAfterMs: 1000 });
  });

  it.each([
    // [elapsed since the bucket ran dry, expected retryAfterMs] at 5 tokens/s (one every 200 ms)
    [0, 200],
    [50, 150],
    [199, 1],
    [120.5, 80],
  ])('says exactly how long to wait: %d ms after running dry -> %d ms', (elapsed, retry) => {
    const { clock, advance } = fakeClock();
    const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 5, clock });
    bucket.take(2);
    advance(elapsed);
    expect(bucket.take()).toEqual({ ok: false, retryAfterMs: retry });
  });

  it('refills continuously and admits once the announced wait has passed', () => {
    const { clock, advance } = fakeClock();
    const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 5, clock });
    bucket.take(2);
    advance(100);
    expect(bucket.tokens()).toBeCloseTo(0.5, 10);
    const refused = bucket.take();
    expect(refused).toEqual({ ok: false, retryAfterMs: 100 });
    advance(100);
    expect(bucket.take()).toEqual({ ok: true });
    expect(bucket.tokens()).toBeCloseTo(0, 10);
  });

  it('rounds a fractional wait up, so waiting that long always suffices', () => {
    const { clock, advance } = fakeClock();
    const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 3, clock });
    bucket.take();
    const r = bucket.take();
    expect(r).toEqual({ ok: false, retryAfterMs: 334 });
    advance(333);
    expect(bucket.take().ok).toBe(false);
    advance(1);
    expect(bucket.take().ok).toBe(true);
  });

  it('never holds more than its capacity, however long it idles', () => {
    const { clock, advance } = fakeClock();
    const bucket = new TokenBucket({ capacity: 4, refillPerSecond: 100, clock });
    bucket.take(4);
    advance(3_600_000);
    expect(bucket.tokens()).toBe(4);
    expect(bucket.take(4).ok).toBe(true);
    expect(bucket.take().ok).toBe(false);
  });

  it('consumes nothing when it refuses', () => {
    const { clock } = fakeClock();
    const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 1, clock });
    bucket.take(2);
    expect(bucket.take(2)).toEqual({ ok: false, retryAfterMs: 1000 });
    expect(bucket.tokens()).toBe(1);
    expect(bucket.take(1).ok).toBe(true);
  });

  it('peeks without taking', () => {
    const { clock } = fakeClock();
    const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 1, clock });
    expect(bucket.peek().ok).toBe(true);
    expect(bucket.peek().ok).toBe(true);
    expect(bucket.tokens()).toBe(1);
  });

  it('reports an infinite wait for more tokens than it can ever hold', () => {
    const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 1, clock: () => 0 });
    expect(bucket.take(3)).toEqual({ ok: false, retryAfterMs: Number.POSITIVE_INFINITY });
    expect(bucket.tokens()).toBe(2);
  });

  it('ignores a clock that goes backwards', () => {
    const { clock, advance } = fakeClock();
    const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 1, clock });
    bucket.take(2);
    advance(-10_000);
    expect(bucket.tokens()).toBe(0);
    advance(10_500);
    expect(bucket.tokens()).toBeCloseTo(0.5, 10);
  });

  it('uses the time passed to take over its own clock', () => {
    const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 10, clock: () => 0 });
    expect(bucket.take(1, 0).ok).toBe(true);
    expect(bucket.take(1, 50)).toEqual({ ok: false, retryAfterMs: 50 });
    expect(bucket.take(1, 100).ok).toBe(true);
  });

  it.each([
    [{ capacity: 0, refillPerSecond: 1 }, /capacity/],
    [{ capacity: -1, refillPerSecond: 1 }, /capacity/],
    [{ capacity: Number.NaN, refillPerSecond: 1 }, /capacity/],
    [{ capacity: 1, refillPerSecond: 0 }, /refillPerSecond/],
    [{ capacity: 1, refillPerSecond: Number.POSITIVE_INFINITY }, /refillPerSecond/],
  ])('rejects limits %j', (limits, message) => {
    expect(() => new TokenBucket(limits)).toThrow(message);
  });
});
