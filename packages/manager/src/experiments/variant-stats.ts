import { type LatencySummary } from '@vth/core';
import { LatencyHistogram } from '@vth/core/kit';
import { LatencyReservoir } from './latency-reservoir';

/** What one variant of an experiment has seen so far. */
export interface VariantStatsSnapshot {
  /** Sessions assigned to the variant so far. */
  sessions: number;
  /** Sessions assigned and not yet ended. */
  activeSessions: number;
  /** Command calls finished, ok or failed. */
  commands: number;
  /** Calls that failed: a BackendError, or a command that ended 'lost'. */
  errors: number;
  /** errors / commands; 0 when no command finished. */
  errorRate: number;
  /** Latency of the successful commands only. */
  latency: LatencySummary;
  /** Sessions of the variant that moved to another backend. */
  failovers: number;
}

/**
 * Running totals for one variant of an experiment: counts, a latency histogram for percentiles and a
 * bounded latency sample for rank tests (`compareVariant`). Fixed memory however long the experiment runs.
 *
 * @example
 * ```ts
 * const stats = new VariantStats();
 * stats.sessionStarted();
 * stats.commandSucceeded(12.5);
 * stats.commandFailed();
 * stats.snapshot(); // { sessions: 1, activeSessions: 1, commands: 2, errors: 1, errorRate: 0.5, ... }
 * ```
 */
export class VariantStats {
  private sessions = 0;
  private activeSessions = 0;
  private commands = 0;
  private errors = 0;
  private failovers = 0;
  private readonly histogram = new LatencyHistogram();
  private readonly reservoir: LatencyReservoir;

  /**
   * @param options.reservoirCapacity latency values kept for rank tests (default 5000).
   * @param options.random the reservoir's uniform source; seed it in tests.
   * @throws RangeError when `reservoirCapacity` is not a positive integer.
   */
  constructor(options: { reservoirCapacity?: number; random?: () => number } = {}) {
    this.reservoir = new LatencyReservoir(options.reservoirCapacity, options.random);
  }

  sessionStarted(): void {
    this.sessions++;
    this.activeSessions++;
  }

  /** Never takes the active count below 0: an end reported twice must not hide a later session. */
  sessionEnded(): void {
    if (this.activeSessions > 0) this.activeSessions--;
  }

  /**
   * Counts a successful command and its latency. A latency that is not a finite, non-negative number still
   * counts the command but is left out of the latency figures.
   */
  commandSucceeded(latencyMs: number): void {
    this.commands++;
    this.histogram.record(latencyMs);
    this.reservoir.add(latencyMs);
  }

  /**
   * Counts a failed command. Its latency is not recorded: a variant that fails fast would otherwise look
   * fast, and a timeout's latency is the timeout.
   */
  commandFailed(): void {
    this.commands++;
    this.errors++;
  }

  failover(): void {
    this.failovers++;
  }

  /** A fresh object each call; changing it changes nothing here. */
  snapshot(): VariantStatsSnapshot {
    return {
      sessions: this.sessions,
      activeSessions: this.activeSessions,
      commands: this.commands,
      errors: this.errors,
      errorRate: this.commands === 0 ? 0 : this.errors / this.commands,
      latency: this.histogram.summary(),
      failovers: this.failovers,
    };
  }

  /** A uniform sample of the successful commands' latencies (a copy), for rank tests such as `mannWhitney`. */
  latencySample(): readonly number[] {
    return this.reservoir.values();
  }
}
