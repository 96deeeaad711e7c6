import { type HealthStatus, type LatencySummary } from '@vth/core';
import { type HealthThresholds } from '../health-thresholds';
import { SlidingWindow } from './sliding-window';

/** Where a recovered backend's weight starts under slow start: low, but never 0, so it still gets measured. */
export const SLOW_START_FLOOR = 0.1;

/** One backend's health at a moment, for views, dashboards and `getHealth()` details. */
export interface BackendHealthSnapshot {
  /** `unhealthy` while ejected; `degraded` after any recent failure (in a row, or within the window). */
  status: HealthStatus;
  /** Out of rotation. */
  ejected: boolean;
  /** When probes may start bringing it back (while ejected). */
  ejectedUntil?: number;
  /** Why it was ejected (while ejected). */
  ejectionReason?: string;
  /** Times it has been ejected so far: each one doubles the next ejection time, up to the maximum. */
  ejections: number;
  /** Failed calls and probes since the last success. */
  consecutiveFailures: number;
  /** Over the window. */
  errorRate: number;
  /** Calls and probes over the window. */
  calls: number;
  /** Latency of successful calls and probes over the window. */
  latency: LatencySummary;
  /** Share of its weight it gets now (slow start), in (0, 1]. */
  slowStartFactor: number;
  /** When it last came back into rotation; absent if it never did. */
  recoveredAt?: number;
  /** The last failure, for people (`UNAVAILABLE: connection refused`); kept after a recovery. */
  lastError?: string;
  /** When it was last probed; absent before the first probe. */
  lastProbeAt?: number;
  /** Whether that probe passed. */
  lastProbeOk?: boolean;
}

interface Ejection {
  at: number;
  until: number;
  reason: string;
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

function duration(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/**
 * The health of one backend: passive signals (the outcome and latency of real calls), active probes,
 * ejection out of rotation with exponential back-off, recovery after passing probes, and slow start.
 * It only records and judges; the manager decides which errors count as the backend's fault, and a
 * `HealthPool` decides whether an ejection may happen (pool-wide caps). Time is always passed in.
 *
 * Recovery: once ejected, a backend comes back only through probes. Passing probes count from the moment
 * the ejection time has elapsed; `recoveryProbes` passes in a row bring it back. Any failure (probe or call)
 * restarts the count. On recovery its window starts afresh: the failures that ejected it would otherwise
 * eject it again at once.
 *
 * @example
 * ```ts
 * const tracker = new BackendHealthTracker(healthThresholdsSchema.parse({}));
 * tracker.recordCall(false, 0, now, 'UNAVAILABLE: connection refused');
 * const reason = tracker.ejectionReason(now);
 * if (reason) tracker.eject(now, reason);
 * ```
 */
export class BackendHealthTracker {
  readonly thresholds: HealthThresholds;
  private readonly window: SlidingWindow;
  private failuresInARow = 0;
  private ejectionCount = 0;
  private ejection: Ejection | null = null;
  private recoveryPasses = 0;
  private recoveredAt: number | null = null;
  private lastError: string | undefined;
  private lastProbe: { at: number; ok: boolean } | null = null;

  constructor(thresholds: HealthThresholds) {
    this.thresholds = thresholds;
    this.window = new SlidingWindow(thresholds.windowMs);
  }

  get consecutiveFailures(): number {
    return this.failuresInARow;
  }

  get ejections(): number {
    return this.ejectionCount;
  }

  get ejected(): boolean {
    return this.ejection !== null;
  }

  /** When probes may start bringing it back; `undefined` when in rotation. */
  get ejectedUntil(): number | undefined {
    return this.ejection?.until;
  }

  /**
   * A real call's outcome. `ok: false` is a failure the backend is responsible for (the manager leaves out
   * invalid input, a missing session and the like); `error` is kept as the last error, for people.
   * `latencyMs` is `undefined` for calls whose duration says nothing about the backend (a command runs as
   * long as the command does): they count for the error rate only.
   */
  recordCall(ok: boolean, latencyMs: number | undefined, now: number, error?: string): void {
    this.record(ok, latencyMs, now, error);
  }

  /**
   * An active probe's outcome. Returns `true` when this probe brought the backend back into rotation.
   */
  recordProbe(ok: boolean, latencyMs: number, now: number, error?: string): boolean {
    this.lastProbe = { at: now, ok };
    this.record(ok, latencyMs, now, error);
    const ejection = this.ejection;
    if (!ok || ejection === null || now < ejection.until) return false;
    this.recoveryPasses++;
    if (this.recoveryPasses < this.thresholds.recoveryProbes) return false;
    this.ejection = null;
    this.recoveryPasses = 0;
    this.recoveredAt = now;
    this.failuresInARow = 0;
    this.window.reset();
    return true;
  }

  /**
   * Why the backend should leave rotation now, or `null` (always `null` while ejected): `consecutiveFailures`
   * failures in a row; an error rate above `maxErrorRate` over at least `minRequests` calls; a p95 latency
   * above `maxLatencyP95Ms` over at least `minRequests` successful calls.
   */
  ejectionReason(now: number): string | null {
    if (this.ejection) return null;
    const t = this.thresholds;
    if (this.failuresInARow >= t.consecutiveFailures) {
      return `${this.failuresInARow} consecutive failures (limit ${t.consecutiveFailures})`;
    }
    const window = this.window.summary(now);
    const over = `over the last ${duration(t.windowMs)}`;
    if (window.calls >= t.minRequests && window.errorRate > t.maxErrorRate) {
      return (
        `error rate ${percent(window.errorRate)} ${over} ` +
        `(${window.failures} of ${window.calls} calls; limit ${percent(t.maxErrorRate)})`
      );
    }
    // Latency only counts successful calls, so the minimum applies to those.
    if (
      t.maxLatencyP95Ms !== undefined &&
      window.latency.count >= t.minRequests &&
      window.latency.p95 > t.maxLatencyP95Ms
    ) {
      return `p95 latency ${Math.round(window.latency.p95)} ms ${over} (limit ${t.maxLatencyP95Ms} ms)`;
    }
    return null;
  }

  /**
   * Takes the backend out of rotation until at least `now + min(baseEjectionMs * 2^(n-1), maxEjectionMs)`,
   * n being this ejection's number. Returns `false` (and changes nothing) when it is already out.
   */
  eject(now: number, reason: string): boolean {
    if (this.ejection) return false;
    this.ejectionCount++;
    const t = this.thresholds;
    const ms = Math.min(t.baseEjectionMs * 2 ** (this.ejectionCount - 1), t.maxEjectionMs);
    this.ejection = { at: now, until: now + ms, reason };
    this.recoveryPasses = 0;
    return true;
  }

  /**
   * The share of its weight the backend gets now: ramps linearly from `SLOW_START_FLOOR` to 1 over
   * `slowStartMs` after a recovery, so a backend that just came back is not flooded with new sessions.
   * 1 when slow start is off or the backend never recovered; the floor while it is ejected (panic mode may
   * still route to it).
   */
  slowStartFactor(now: number): number {
    const ramp = this.thresholds.slowStartMs;
    if (ramp === 0) return 1;
    if (this.ejection) return SLOW_START_FLOOR;
    if (this.recoveredAt === null) return 1;
    const elapsed = now - this.recoveredAt;
    if (elapsed >= ramp) return 1;
    if (elapsed <= 0) return SLOW_START_FLOOR;
    return SLOW_START_FLOOR + (1 - SLOW_START_FLOOR) * (elapsed / ramp);
  }

  /** `unhealthy` while ejected; `degraded` after any recent failure (in a row, or within the window). */
  status(now: number): HealthStatus {
    if (this.ejection) return 'unhealthy';
    if (this.failuresInARow > 0 || this.window.summary(now).errorRate > 0) return 'degraded';
    return 'healthy';
  }

  snapshot(now: number): BackendHealthSnapshot {
    const window = this.window.summary(now);
    return {
      status: this.status(now),
      ejected: this.ejection !== null,
      ...(this.ejection ? { ejectedUntil: this.ejection.until, ejectionReason: this.ejection.reason } : {}),
      ejections: this.ejectionCount,
      consecutiveFailures: this.failuresInARow,
      errorRate: window.errorRate,
      calls: window.calls,
      latency: window.latency,
      slowStartFactor: this.slowStartFactor(now),
      ...(this.recoveredAt === null ? {} : { recoveredAt: this.recoveredAt }),
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
      ...(this.lastProbe ? { lastProbeAt: this.lastProbe.at, lastProbeOk: this.lastProbe.ok } : {}),
    };
  }

  private record(ok: boolean, latencyMs: number | undefined, now: number, error: string | undefined): void {
    this.window.record(ok, latencyMs, now);
    if (ok) {
      this.failuresInARow = 0;
      return;
    }
    this.failuresInARow++;
    this.recoveryPasses = 0;
    this.lastError = error ?? 'failed';
  }
}
