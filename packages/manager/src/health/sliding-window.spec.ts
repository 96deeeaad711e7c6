import { SlidingWindow } from './sliding-window';

describe('SlidingWindow', () => {
  it('counts calls, failures and the latency of successful calls', () => {
    const window = new SlidingWindow(1000);
    window.record(true, 10, 0);
    window.record(true, 30, 50);
    window.record(false, 5000, 90);
    const summary = window.summary(100);
    expect(summary).toMatchObject({ calls: 3, failures: 1 });
    expect(summary.errorRate).toBeCloseTo(1 / 3);
    expect(summary.latency).toMatchObject({ count: 2, min: 10, max: 30 });
  });

  it('is empty at first: no calls, error rate 0, latency count 0', () => {
    expect(new SlidingWindow(1000).summary(12345)).toEqual({
      calls: 0,
      failures: 0,
      errorRate: 0,
      latency: { count: 0, min: 0, max: 0, mean: 0, p50: 0, p95: 0, p99: 0 },
    });
  });

  it('forgets calls a bucket at a time once they are windowMs old', () => {
    // 10 buckets of 100 ms.
    const window = new SlidingWindow(1000);
    window.record(true, 1, 0);
    window.record(false, 1, 550);
    expect(window.summary(999).calls).toBe(2);
    expect(window.summary(1000)).toMatchObject({ calls: 1, failures: 1, errorRate: 1 });
    expect(window.summary(1000).latency.count).toBe(0);
    // The call at 550 lives in the bucket [500, 600): it counts until 1500, at least windowMs - 100 ms.
    expect(window.summary(1499).calls).toBe(1);
    expect(window.summary(1500).calls).toBe(0);
  });

  it('reuses a bucket for a later slice of time without mixing the two', () => {
    const window = new SlidingWindow(1000);
    window.record(false, 1, 20);
    window.record(true, 7, 1020);
    expect(window.summary(1020)).toMatchObject({ calls: 1, failures: 0, errorRate: 0 });
    expect(window.summary(1020).latency).toMatchObject({ count: 1, p50: 7 });
  });

  it('leaves out calls recorded later than the time asked about (a clock that went back)', () => {
    const window = new SlidingWindow(1000);
    window.record(true, 1, 5000);
    expect(window.summary(4000).calls).toBe(0);
    expect(window.summary(5000).calls).toBe(1);
  });

  it('hands out copies and sees new calls at the same instant', () => {
    const window = new SlidingWindow(1000);
    window.record(true, 1, 0);
    const first = window.summary(10);
    first.calls = 99;
    first.latency.count = 99;
    expect(window.summary(10)).toMatchObject({ calls: 1, latency: { count: 1 } });
    window.record(false, 1, 10);
    expect(window.summary(10)).toMatchObject({ calls: 2, failures: 1 });
  });

  it('forgets everything on reset', () => {
    const window = new SlidingWindow(1000);
    window.record(false, 1, 0);
    window.reset();
    expect(window.summary(0).calls).toBe(0);
  });

  it('refuses a window or bucket count that cannot work', () => {
    expect(() => new SlidingWindow(0)).toThrow(RangeError);
    expect(() => new SlidingWindow(Number.NaN)).toThrow(RangeError);
    expect(() => new SlidingWindow(1000, 0)).toThrow(RangeError);
    expect(() => new SlidingWindow(1000, 2.5)).toThrow(RangeError);
  });
});
