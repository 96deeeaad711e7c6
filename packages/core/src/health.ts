import { type BackendErrorCode } from './backend-error';
import { type LatencySummary } from './latency-histogram';

/** `degraded`: works, but slower or with fewer resources; `unhealthy`: do not route work here. */
export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

/** What `getHealth` answers: whether the backend can take work now, and why not. */
export interface BackendHealth {
  /** The verdict a manager routes by. */
  status: HealthStatus;
  /** Why, in words a person can act on, when not healthy. */
  message?: string;
  /** When the verdict was reached, in epoch milliseconds (a cached verdict keeps its time). */
  checkedAt: number;
  /** Duration of the check itself, when it ran one. */
  latencyMs?: number;
  /** Backend-specific facts behind the verdict (tmux version, container engine, connection state, ...). */
  details?: Record<string, unknown>;
}

/** What `getMetrics` answers: counters since the backend started, for dashboards and alerts. */
export interface BackendMetrics {
  /** The backend they describe (`ITerminalBackend.id`). */
  backendId: string;
  /** Its plugin type (`ITerminalBackend.type`). */
  type: string;
  /** Milliseconds since the backend was created. */
  uptimeMs: number;
  /** Sessions open now, and opened and closed since start. */
  sessions: { active: number; created: number; closed: number };
  /** Commands by how they ended; `started` minus the others is the number still running. */
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
  /** Bytes of command output returned to callers. */
  outputBytes: number;
  /** Bytes of command output cut by `maxOutputBytes`. */
  truncatedBytes: number;
}
