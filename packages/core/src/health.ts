import { type BackendErrorCode } from './backend-error';
import { type LatencySummary } from './latency-histogram';

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

export interface BackendHealth {
  status: HealthStatus;
  /** Why, in words a person can act on, when not healthy. */
  message?: string;
  checkedAt: number;
  /** Duration of the check itself, when it ran one. */
  latencyMs?: number;
  details?: Record<string, unknown>;
}

export interface BackendMetrics {
  backendId: string;
  type: string;
  uptimeMs: number;
  sessions: { active: number; created: number; closed: number };
  commands: {
    started: number;
    completed: number;
    timedOut: number;
    interrupted: number;
    lost: number;
    /** Completed with a non-zero exit code. */
    nonZeroExit: number;
  };
  /** Round trip of commands, from dispatch to completion, in milliseconds. */
  latency: LatencySummary;
  /** Calls that returned an error, in all and by code. */
  errors: { total: number; byCode: Partial<Record<BackendErrorCode, number>> };
  outputBytes: number;
  truncatedBytes: number;
}
