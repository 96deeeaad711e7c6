import { type BackendEventMap, type BackendHealth, type HealthStatus } from '@vth/core';
import { type BackendState } from './session-parts';

/** `getHealth` of a backend before `initialize` or after `shutdown`. */
export function notReadyHealth(state: BackendState, checkedAt: number): BackendHealth {
  return { status: 'unhealthy', message: state === 'new' ? 'not initialized' : 'shut down', checkedAt };
}

/**
 * `getHealth` of a backend that answers: healthy, or degraded once it holds its maximum of sessions.
 *
 * @example `return capacityHealth(this.sessions.size, cfg.maxSessions, { checkedAt, latencyMs }, details);`
 */
export function capacityHealth(
  sessions: number,
  maxSessions: number,
  measured: { checkedAt: number; latencyMs?: number },
  details: Record<string, unknown>,
): BackendHealth {
  const full = sessions >= maxSessions;
  return {
    status: full ? 'degraded' : 'healthy',
    ...(full ? { message: `at its maximum of ${maxSessions} sessions` } : {}),
    ...measured,
    details,
  };
}

/**
 * Emits `health-changed` when a backend's health status differs from the last one it reported (starting
 * from `unhealthy`: a backend is unhealthy until initialized).
 *
 * @example `void this.health.report(await this.getHealth());`
 */
export class HealthReporter {
  private last: HealthStatus = 'unhealthy';

  constructor(
    private readonly emitter: {
      emit(name: 'health-changed', ...args: BackendEventMap['health-changed']): boolean;
    },
  ) {}

  /** Emits `health-changed` when `health.status` differs from the last status reported. */
  report(health: BackendHealth): void {
    if (health.status === this.last) return;
    const previous = this.last;
    this.last = health.status;
    this.emitter.emit('health-changed', { previous, current: health });
  }
}
