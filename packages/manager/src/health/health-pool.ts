import { type HealthThresholds } from '../health-thresholds';
import { BackendHealthTracker } from './backend-health';

/**
 * A change `HealthPool.evaluate` made or declined: `ejected` (out of rotation), `recovered` (back, after
 * passing probes), `degraded` (should be ejected, but the ejection cap keeps it in; reported once, when it
 * starts being held).
 */
export interface HealthPoolEvent {
  id: string;
  event: 'ejected' | 'recovered' | 'degraded';
  reason: string;
}

export interface EligibleBackends {
  ids: string[];
  /** True when too few backends are in rotation, so `ids` holds them all. */
  panic: boolean;
}

/**
 * The health of a pool of backends: one `BackendHealthTracker` per backend id, plus the rules that need the
 * whole pool.
 *
 * Ejection cap: at most `floor(size * maxEjectionPercent / 100)` backends are ejected at once, but at least
 * one when `maxEjectionPercent` is above 0 (as Envoy does: with a small pool and a small percentage the
 * floor would be 0, and outlier detection would silently do nothing). `maxEjectionPercent: 0` never ejects.
 * With 2 backends and 50 %, one may be out; with 3, one; with 10, five. A backend that should be ejected
 * but would break the cap stays in rotation (its status is `degraded`); the worst ones go first (highest
 * error rate, then most failures in a row, then the order they were added).
 *
 * Panic: when fewer than `panicThresholdPercent` of the backends are in rotation, routing to the few left
 * would overload them or (with none left) fail everything, so the pool answers every backend instead.
 *
 * @example
 * ```ts
 * const pool = new HealthPool(healthThresholdsSchema.parse({}));
 * pool.add('tmux');
 * pool.add('pty');
 * pool.get('tmux')?.recordCall(false, 0, now, 'BACKEND_CRASHED');
 * for (const change of pool.evaluate(now)) log(change.id, change.event, change.reason);
 * const { ids, panic } = pool.eligible(now);
 * ```
 */
export class HealthPool {
  readonly thresholds: HealthThresholds;
  private readonly trackers = new Map<string, BackendHealthTracker>();
  /** Ejected as far as the last `evaluate` knew, to report recoveries that probes caused since. */
  private readonly knownEjected = new Set<string>();
  /** Held in by the cap, to report that once rather than on every evaluation. */
  private readonly held = new Set<string>();

  constructor(thresholds: HealthThresholds) {
    this.thresholds = thresholds;
  }

  /** Starts tracking `id` (in rotation, no history); returns the tracker it already has, if any. */
  add(id: string): BackendHealthTracker {
    let tracker = this.trackers.get(id);
    if (!tracker) {
      tracker = new BackendHealthTracker(this.thresholds);
      this.trackers.set(id, tracker);
    }
    return tracker;
  }

  /** Stops tracking `id`; `false` when it was not tracked. */
  remove(id: string): boolean {
    this.knownEjected.delete(id);
    this.held.delete(id);
    return this.trackers.delete(id);
  }

  get(id: string): BackendHealthTracker | undefined {
    return this.trackers.get(id);
  }

  /** Every tracked id, in the order added. */
  ids(): string[] {
    return [...this.trackers.keys()];
  }

  get size(): number {
    return this.trackers.size;
  }

  /** How many backends may be ejected at once in a pool of this size (see the class comment). */
  maxEjections(): number {
    const percent = this.thresholds.maxEjectionPercent;
    if (percent <= 0 || this.trackers.size === 0) return 0;
    return Math.max(1, Math.floor((this.trackers.size * percent) / 100));
  }

  /**
   * Reports recoveries since the last evaluation, then ejects every backend that should be ejected, within
   * the cap. Call it after recording calls and probes (on the probe interval, or after a failure).
   */
  evaluate(now: number): HealthPoolEvent[] {
    const events: HealthPoolEvent[] = [];
    let ejectedCount = 0;
    for (const [id, tracker] of this.trackers) {
      if (tracker.ejected) {
        ejectedCount++;
        // Ejected by the manager directly (`tracker.eject`): it knows; nothing to report.
        this.knownEjected.add(id);
      } else if (this.knownEjected.delete(id)) {
        const passes = this.thresholds.recoveryProbes;
        events.push({ id, event: 'recovered', reason: `${passes} probe${passes === 1 ? '' : 's'} passed` });
      }
    }

    const due: Array<{
      id: string;
      tracker: BackendHealthTracker;
      reason: string;
      errorRate: number;
      failures: number;
      rank: number;
    }> = [];
    for (const [id, tracker] of this.trackers) {
      const reason = tracker.ejectionReason(now);
      if (reason === null) {
        this.held.delete(id);
        continue;
      }
      const { errorRate, consecutiveFailures } = tracker.snapshot(now);
      due.push({ id, tracker, reason, errorRate, failures: consecutiveFailures, rank: due.length });
    }
    // Worst first, so the cap keeps the better ones in rotation; equals in the order added.
    due.sort((a, b) => b.errorRate - a.errorRate || b.failures - a.failures || a.rank - b.rank);

    const cap = this.maxEjections();
    for (const { id, tracker, reason } of due) {
      if (ejectedCount < cap) {
        tracker.eject(now, reason);
        ejectedCount++;
        this.knownEjected.add(id);
        this.held.delete(id);
        events.push({ id, event: 'ejected', reason });
      } else if (!this.held.has(id)) {
        this.held.add(id);
        events.push({
          id,
          event: 'degraded',
          reason:
            `${reason}; kept in rotation: ${ejectedCount} of ${this.trackers.size} backends already ejected ` +
            `(maxEjectionPercent ${this.thresholds.maxEjectionPercent})`,
        });
      }
    }
    return events;
  }

  /**
   * Ids of the backends in rotation (not ejected), in the order added. `now` is part of the signature so
   * time-based rules can join without changing callers; ejection itself changes only in `evaluate` and
   * through probes.
   */
  inRotation(_now: number): string[] {
    const ids: string[] = [];
    for (const [id, tracker] of this.trackers) if (!tracker.ejected) ids.push(id);
    return ids;
  }

  /** True when in-rotation / pool size * 100 < `panicThresholdPercent` (never for an empty pool). */
  panic(now: number): boolean {
    if (this.trackers.size === 0) return false;
    return (this.inRotation(now).length / this.trackers.size) * 100 < this.thresholds.panicThresholdPercent;
  }

  /** Where new sessions may go: the backends in rotation, or every backend in panic. */
  eligible(now: number): EligibleBackends {
    const inRotation = this.inRotation(now);
    const panic =
      this.trackers.size > 0 &&
      (inRotation.length / this.trackers.size) * 100 < this.thresholds.panicThresholdPercent;
    return { ids: panic ? this.ids() : inRotation, panic };
  }
}
