import {
  type Alert,
  type BackendRow,
  type ExperimentReport,
  type Sample,
  type SessionRow,
  type TimelineEntry,
} from './model';

/** An hour of samples at the server's default period (5 s); shorter periods keep the newest 720. */
const HISTORY_POINTS = 720;
const HISTORY_MS = 3600_000;
const TIMELINE_ENTRIES = 200;
const RESOLVED_ALERTS = 200;

/** Events of the pool that go on the timeline, with how to say them. */
const TIMELINE: Record<string, (d: Record<string, unknown>) => string> = {
  'backend-ejected': (d) => `${String(d.backendId)} ejected${d.reason ? `: ${String(d.reason)}` : ''}`,
  'backend-recovered': (d) => `${String(d.backendId)} recovered`,
  failover: (d) => `failover away from ${String(d.from)}: ${String(d.reason ?? '')}`,
  'session-migrated': (d) => `session ${String(d.sessionId)} moved ${String(d.from)} → ${String(d.to)}`,
  'session-migration-failed': (d) => `session ${String(d.sessionId)} could not move off ${String(d.from)}`,
  'swap-started': (d) => `hot swap of ${String(d.backendId)} started (${String(d.type)})`,
  'backend-swapped': (d) =>
    `${String(d.backendId)} swapped for ${String(d.replacement)}: ${String(d.moved)} sessions moved`,
  'swap-failed': (d) => `hot swap of ${String(d.backendId)} failed: ${String(d.reason ?? '')}`,
  'backend-drained': (d) => `${String(d.backendId)} drained`,
  'backend-added': (d) => `${String(d.backendId)} (${String(d.type)}) added`,
  'backend-removed': (d) => `${String(d.backendId)} (${String(d.type)}) removed`,
};

/**
 * What the page shows, kept up to date from the `metrics` and `events` topics and a few reads. Views
 * subscribe and re-render on `changed`.
 */
export class Store {
  backends: BackendRow[] = [];
  readonly history = new Map<string, Sample[]>();
  timeline: TimelineEntry[] = [];
  activeAlerts: Alert[] = [];
  resolvedAlerts: Alert[] = [];
  experiments: ExperimentReport[] = [];
  sessions: SessionRow[] = [];
  readonly lastCommand = new Map<string, string>();
  metricsAt = 0;
  private readonly listeners = new Set<() => void>();

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    for (const l of [...this.listeners]) l();
  }

  /** A metrics snapshot: the backends now, a latency sample each, the running experiments. */
  applySnapshot(data: { at?: number; backends?: BackendRow[]; experiments?: ExperimentReport[] }): void {
    const at = data.at ?? Date.now();
    this.metricsAt = at;
    this.backends = data.backends ?? [];
    for (const b of this.backends) {
      const l = b.commandLatency && b.commandLatency.count > 0 ? b.commandLatency : b.probeLatency;
      if (!l || l.count === 0) continue;
      const h = this.history.get(b.id) ?? [];
      h.push({ at, p50: l.p50, p95: l.p95, p99: l.p99 });
      while (h.length > HISTORY_POINTS || (h.length > 0 && h[0]!.at < at - HISTORY_MS)) h.shift();
      this.history.set(b.id, h);
    }
    if (data.experiments) this.mergeExperiments(data.experiments);
    this.changed();
  }

  /** Reports of running experiments replace the ones held; stopped ones stay as they were last seen. */
  mergeExperiments(reports: ExperimentReport[]): void {
    const byName = new Map(this.experiments.map((e) => [e.name, e]));
    for (const r of reports) byName.set(r.name, r);
    this.experiments = [...byName.values()].sort((a, b) => b.startedAt - a.startedAt);
  }

  applyEvent(seq: number, at: number, name: string, data: unknown): void {
    const d = (data ?? {}) as Record<string, unknown>;
    const say = TIMELINE[name];
    if (say) {
      this.timeline = [{ seq, at, name, text: say(d) }, ...this.timeline].slice(0, TIMELINE_ENTRIES);
    }
    if (name === 'alert-fired') {
      const a = data as Alert;
      this.activeAlerts = [...this.activeAlerts.filter((x) => x.id !== a.id), a];
    } else if (name === 'alert-resolved') {
      const a = data as Alert;
      this.activeAlerts = this.activeAlerts.filter((x) => x.id !== a.id);
      this.resolvedAlerts = [a, ...this.resolvedAlerts.filter((x) => x.id !== a.id)].slice(
        0,
        RESOLVED_ALERTS,
      );
    } else if (name === 'command-started' && typeof d.sessionId === 'string') {
      this.lastCommand.set(d.sessionId, String(d.command ?? ''));
    } else if (!say) return;
    this.changed();
  }

  setAlerts(active: Alert[], resolved: Alert[]): void {
    this.activeAlerts = active;
    this.resolvedAlerts = resolved;
    this.changed();
  }

  setSessions(sessions: SessionRow[]): void {
    this.sessions = sessions;
    this.changed();
  }
}
