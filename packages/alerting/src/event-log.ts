/** The manager events that event-window rules count. */
export type CountedEvent = 'failover' | 'migration-failed' | 'swap-failed';

/** Per backend and event: timestamps kept at most (a rule's `count` beyond this cannot be reached). */
const MAX_EVENTS_PER_KEY = 1_000;
/** Per backend: command latencies kept at most for `latency-p99` rules of commands. */
const MAX_LATENCY_SAMPLES = 10_000;
/** Reasons are manager text quoting backend errors: kept short. */
const MAX_REASON_CHARS = 1_000;

interface EventTrail {
  times: number[];
  lastReason: string;
}

interface LatencyTrail {
  times: number[];
  values: number[];
}

/** How many events of a kind a backend had in a window, and when the oldest counted ages out. */
export interface WindowCount {
  count: number;
  lastReason: string;
  /** The `needed`-th newest event's time + the window: the condition stops holding then, if nothing else happens. */
  until?: number;
}

function bounded(text: string): string {
  return text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS - 1)}…` : text;
}

/**
 * What happened, for the rules that count events (failovers, failed migrations, failed swaps) and for
 * command latency: timestamps per backend, forgotten once older than the longest window a rule needs.
 * Bounded per backend; backends with nothing left in the window are dropped.
 */
export class EventLog {
  private readonly trails = new Map<CountedEvent, Map<string, EventTrail>>();
  private readonly latencies = new Map<string, LatencyTrail>();

  /** @param horizonMs The longest window any rule looks at. */
  constructor(private readonly horizonMs: number) {}

  /** Ignored unless `backendId` names a backend (a malformed event from a foreign source counts for nothing). */
  record(kind: CountedEvent, backendId: unknown, at: number, reason: string): void {
    if (typeof backendId !== 'string' || backendId === '') return;
    let byBackend = this.trails.get(kind);
    if (!byBackend) this.trails.set(kind, (byBackend = new Map()));
    let trail = byBackend.get(backendId);
    if (!trail) byBackend.set(backendId, (trail = { times: [], lastReason: '' }));
    trail.times.push(at);
    if (trail.times.length > MAX_EVENTS_PER_KEY) trail.times.shift();
    trail.lastReason = bounded(reason);
  }

  recordLatency(backendId: string, at: number, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    let trail = this.latencies.get(backendId);
    if (!trail) this.latencies.set(backendId, (trail = { times: [], values: [] }));
    trail.times.push(at);
    trail.values.push(ms);
    if (trail.times.length > MAX_LATENCY_SAMPLES) {
      trail.times.shift();
      trail.values.shift();
    }
  }

  /** Backends with events of `kind` in `(now - windowMs, now]`, with their counts. */
  counts(kind: CountedEvent, now: number, windowMs: number, needed: number): Map<string, WindowCount> {
    const out = new Map<string, WindowCount>();
    for (const [backendId, trail] of this.trails.get(kind) ?? []) {
      const inWindow = trail.times.filter((t) => t > now - windowMs && t <= now);
      if (inWindow.length === 0) continue;
      const nth = inWindow[inWindow.length - needed];
      out.set(backendId, {
        count: inWindow.length,
        lastReason: trail.lastReason,
        ...(nth === undefined ? {} : { until: nth + windowMs }),
      });
    }
    return out;
  }

  /** Latencies of a backend's completed commands in `(now - windowMs, now]`. */
  latencySamples(backendId: string, now: number, windowMs: number): number[] {
    const trail = this.latencies.get(backendId);
    if (!trail) return [];
    const out: number[] = [];
    for (let i = 0; i < trail.times.length; i++) {
      const t = trail.times[i]!;
      if (t > now - windowMs && t <= now) out.push(trail.values[i]!);
    }
    return out;
  }

  /** Forgets what no rule can look at any more. */
  prune(now: number): void {
    const oldest = now - this.horizonMs;
    for (const byBackend of this.trails.values()) {
      for (const [id, trail] of byBackend) {
        while (trail.times.length > 0 && trail.times[0]! <= oldest) trail.times.shift();
        if (trail.times.length === 0) byBackend.delete(id);
      }
    }
    for (const [id, trail] of this.latencies) {
      let drop = 0;
      while (drop < trail.times.length && trail.times[drop]! <= oldest) drop++;
      trail.times.splice(0, drop);
      trail.values.splice(0, drop);
      if (trail.times.length === 0) this.latencies.delete(id);
    }
  }
}

/** The value at quantile `q` (0..1) of `values` (nearest rank); 0 when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}
