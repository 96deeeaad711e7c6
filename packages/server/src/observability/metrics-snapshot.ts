import { type ITerminalBackend } from '@vth/core';
import { type ManagerView } from '../manager-view';

/** The server's own figures at a moment (the `server` part of a snapshot). */
export interface ServerFigures {
  connections: number;
  attachments: number;
  sessions: number;
}

/**
 * What the `metrics` topic sends every `events.metricsIntervalMs` (and `admin.metrics` answers): health,
 * each pool backend with its status, sessions, error rate and latency percentiles, the manager's totals,
 * each running experiment's report, and the server's own figures. JSON, ready to chart.
 */
export async function metricsSnapshot(
  backend: ITerminalBackend,
  manager: ManagerView | undefined,
  server: ServerFigures,
): Promise<Record<string, unknown>> {
  const health = await backend.getHealth();
  const at = Date.now();
  if (!manager) {
    const m = backend.getMetrics();
    return {
      at,
      health: { status: health.status, ...(health.message ? { message: health.message } : {}) },
      backends: [
        {
          id: backend.id,
          type: backend.type,
          status: health.status,
          activeSessions: m.sessions.active,
          errors: m.errors,
          latency: m.latency,
          // The fields of a pool row that a single backend has too (it is never ejected or drained).
          commandLatency: m.latency,
          ejected: false,
          draining: false,
        },
      ],
      server,
    };
  }
  const m = manager.getMetrics();
  return {
    at,
    health: { status: health.status, ...(health.message ? { message: health.message } : {}) },
    backends: manager.backends().map((b) => {
      const pool = m.backends[b.id];
      return {
        ...b,
        errorRate: pool?.health.errorRate ?? 0,
        consecutiveFailures: pool?.health.consecutiveFailures ?? 0,
        ejections: pool?.health.ejections ?? 0,
        probeLatency: pool?.health.latency,
        commandLatency: pool?.backend?.latency,
        errors: pool?.backend?.errors,
        circuit: pool?.circuit,
      };
    }),
    totals: {
      failovers: m.failovers,
      migrations: m.migrations,
      ejections: m.ejections,
      swaps: m.swaps,
      panic: m.panic,
      commands: m.commands,
      latency: m.latency,
    },
    experiments: manager.runningExperiments().flatMap((name) => {
      const r = manager.experimentReport(name);
      return r.ok ? [r.value] : [];
    }),
    server,
  };
}
