import { type BackendMetrics } from '@vth/core';

/** What `getPerformanceMetrics()` returns. */
export interface PerformanceMetrics {
  /** Commands run through this integration. `total` = `succeeded` + `failed` + `timedOut`. */
  commands: {
    total: number;
    /** Completed with exit code 0. */
    succeeded: number;
    /** Non-zero exit, interrupted, lost, or the call threw. */
    failed: number;
    timedOut: number;
  };
  /** Durations of the commands that produced a result, in milliseconds. */
  latency: { p50: number; p95: number; p99: number; mean: number };
  /** Sessions this integration created: open now, and in all. */
  sessions: { active: number; created: number };
  /** The backend's own figures (all its sessions and commands, not only this integration's). */
  backend: BackendMetrics;
  backendType: string;
}
