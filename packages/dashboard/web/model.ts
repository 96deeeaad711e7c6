/** The shapes the page reads from the server (the metrics snapshot, admin lists, alerts). */

export interface Latency {
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface BackendRow {
  id: string;
  type: string;
  /** Absent when the server serves one backend, not a pool. */
  group?: string;
  status: 'healthy' | 'degraded' | 'unhealthy';
  running: boolean;
  ejected: boolean;
  draining: boolean;
  activeSessions: number;
  /** The pool's windowed error rate; absent for a single backend (it keeps no window). */
  errorRate?: number;
  commandLatency?: Latency;
  probeLatency?: Latency;
}

/** What a person reads as the backend's state: draining and ejected say more than the health alone. */
export function shownStatus(b: BackendRow): 'healthy' | 'degraded' | 'unhealthy' | 'ejected' | 'draining' {
  if (b.draining) return 'draining';
  if (b.ejected) return 'ejected';
  return b.status;
}

export interface Sample {
  at: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface TimelineEntry {
  seq: number;
  at: number;
  name: string;
  text: string;
}

export interface Alert {
  id: string;
  fingerprint?: string;
  rule: string;
  severity: string;
  state: 'firing' | 'resolved';
  summary: string;
  description?: string;
  since?: number;
  firedAt?: number;
  resolvedAt?: number;
  resolution?: string;
  labels?: Record<string, string>;
}

export interface VariantReport {
  name: string;
  weight: number;
  share: number;
  backends: string[];
  sessions: number;
  activeSessions: number;
  commands: number;
  errors: number;
  errorRate: number;
  latency: Latency;
}

export interface Comparison {
  variant: string;
  control: string;
  verdict: 'better' | 'worse' | 'unknown';
  summary: string;
}

export interface ExperimentReport {
  name: string;
  running: boolean;
  traffic: number;
  control: string;
  startedAt: number;
  stoppedAt?: number;
  variants: VariantReport[];
  comparisons: Comparison[];
}

export interface SessionRow {
  id: string;
  backendId: string;
  poolBackendId?: string;
  createdAt: number;
  cwd?: string;
  alive: boolean;
  owner?: string | null;
  attachments?: number;
}
