import { type Alert } from '../src/alert';

const T = Date.parse('2030-01-01T00:00:00Z');

/** A firing alert as the engine makes them, for sink tests. */
export function sampleAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'alert-1',
    fingerprint: '0123456789abcdef',
    rule: 'backend-unhealthy',
    kind: 'backend-unhealthy',
    severity: 'warning',
    state: 'firing',
    labels: {
      alertname: 'BackendUnhealthy',
      severity: 'warning',
      rule: 'backend-unhealthy',
      backend: 'tmux-1',
      type: 'tmux',
      group: 'main',
    },
    summary: 'backend tmux-1 (tmux) unhealthy for 30 s',
    description: 'backend tmux-1 (tmux) is ejected from rotation: 5 consecutive failures (limit 5)',
    since: T,
    firedAt: T + 30_000,
    ...overrides,
  };
}

/** The same alert, resolved. */
export function resolvedOf(alert: Alert, at = alert.firedAt + 60_000): Alert {
  return { ...alert, state: 'resolved', resolvedAt: at, resolution: 'clear for 30 s' };
}
