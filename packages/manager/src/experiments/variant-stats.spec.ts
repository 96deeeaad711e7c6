import { seededRandom } from '../testing/seeded-random';
import { VariantStats } from './variant-stats';

describe('VariantStats', () => {
  it('starts empty', () => {
    expect(new VariantStats().snapshot()).toEqual({
      sessions: 0,
      activeSessions: 0,
      commands: 0,
      errors: 0,
      errorRate: 0,
      latency: { count: 0, min: 0, max: 0, mean: 0, p50: 0, p95: 0, p99: 0 },
      failovers: 0,
    });
    expect(new VariantStats().latencySample()).toEqual([]);
  });

  it('counts sessions, active sessions and failovers', () => {
    const stats = new VariantStats();
    stats.sessionStarted();
    stats.sessionStarted();
    stats.sessionStarted();
    stats.sessionEnded();
    stats.failover();
    stats.failover();
    expect(stats.snapshot()).toMatchObject({ sessions: 3, activeSessions: 2, failovers: 2 });
  });

  it('never takes active sessions below 0, and still counts a session started after a stray end', () => {
    const stats = new VariantStats();
    stats.sessionEnded();
    stats.sessionEnded();
    expect(stats.snapshot()).toMatchObject({ sessions: 0, activeSessions: 0 });
    stats.sessionStarted();
    expect(stats.snapshot()).toMatchObject({ sessions: 1, activeSessions: 1 });
    stats.sessionEnded();
    stats.sessionEnded();
    expect(stats.snapshot().activeSessions).toBe(0);
  });

  it('counts commands and errors, and the error rate', () => {
    const stats = new VariantStats();
    stats.commandSucceeded(10);
    stats.commandSucceeded(20);
    stats.commandSucceeded(30);
    stats.commandFailed();
    expect(stats.snapshot()).toMatchObject({ commands: 4, errors: 1, errorRate: 0.25 });
  });

  it('summarises the latency of successful commands only', () => {
    const stats = new VariantStats();
    for (let ms = 1; ms <= 100; ms++) stats.commandSucceeded(ms);
    stats.commandFailed();
    const { latency } = stats.snapshot();
    expect(latency).toMatchObject({ count: 100, min: 1, max: 100, mean: 50.5 });
    // The histogram's percentiles are within about 3 %.
    expect(latency.p50).toBeGreaterThan(48);
    expect(latency.p50).toBeLessThan(52);
    expect(latency.p99).toBeGreaterThan(96);
  });

  it('counts a command whose latency is not a number, but leaves the latency out', () => {
    const stats = new VariantStats();
    stats.commandSucceeded(Number.NaN);
    stats.commandSucceeded(-5);
    stats.commandSucceeded(4);
    expect(stats.snapshot()).toMatchObject({ commands: 3, errors: 0, latency: { count: 1, min: 4 } });
    expect(stats.latencySample()).toEqual([4]);
  });

  it('keeps a bounded latency sample of the successful commands', () => {
    const stats = new VariantStats({ reservoirCapacity: 50, random: seededRandom(1) });
    for (let i = 0; i < 10_000; i++) stats.commandSucceeded(i);
    const sample = stats.latencySample();
    expect(sample).toHaveLength(50);
    expect(new Set(sample).size).toBe(50);
    expect(sample.every((ms) => ms >= 0 && ms < 10_000)).toBe(true);
    // A uniform sample of 0..9999 is not just the first 50.
    expect(Math.max(...sample)).toBeGreaterThan(5000);
    expect(stats.snapshot().latency.count).toBe(10_000);
  });

  it('hands out snapshots that do not change it', () => {
    const stats = new VariantStats();
    stats.commandSucceeded(5);
    const snapshot = stats.snapshot();
    snapshot.commands = 99;
    snapshot.latency.count = 99;
    expect(stats.snapshot()).toMatchObject({ commands: 1, latency: { count: 1 } });
  });

  it('refuses a reservoir capacity that cannot work', () => {
    expect(() => new VariantStats({ reservoirCapacity: 0 })).toThrow(RangeError);
  });
});
