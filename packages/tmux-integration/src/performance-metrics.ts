import { type ExperimentReport } from '@vth/manager';
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
  /**
   * The backend's own figures (all its sessions and commands, not only this integration's). When the
   * integration made its own `BackendManager`, the manager's: `backends` breaks them down per backend.
   */
  backend: BackendMetrics;
  /** The backend type new sessions go to first ('tmux', or the fallback that took over). */
  backendType: string;
  /** With `enableABTesting`: each backend type's figures and how they compare (see `@vth/manager`). */
  experiment?: ExperimentReport;
}
