import { createHash } from 'node:crypto';
import { type AlertRuleKind, type AlertSeverity } from './alert-rules';

/**
 * One alert: a rule's condition held for the rule's `forMs` for one subject (a backend, a pool group, an
 * experiment's variant). It fires once and resolves once. Plain data (JSON-safe), never changed after it
 * is handed out: a resolved alert is a new object.
 */
export interface Alert {
  /** Unique to this firing. */
  id: string;
  /** Stable for a rule and its subject's labels across firings (and restarts): Alertmanager's dedup key. */
  fingerprint: string;
  /** The rule's `name`. */
  rule: string;
  /** The rule's kind: which condition held. */
  kind: AlertRuleKind;
  /** The rule's severity; a webhook's `minSeverity` and the log level go by it. */
  severity: AlertSeverity;
  /** `firing` as sent by `alert-fired`; its resolution is a new object with `resolved`. */
  state: 'firing' | 'resolved';
  /**
   * `alertname` (the rule name in CamelCase), `severity`, `rule`, the subject's (`backend`, `type`, `group`,
   * `experiment`, `variant`, `control`) and the rule's own labels.
   */
  labels: Record<string, string>;
  /** What: one line, e.g. `backend tmux-1 (tmux) has been unhealthy for 30 s`. */
  summary: string;
  /** Why: the figures and reasons behind it, e.g. `ejected: 5 consecutive failures (limit 5)`. */
  description: string;
  /** The measured value when it fired (an error rate in %, a latency in ms, a count), when there is one. */
  value?: number;
  /** When the condition started to hold (ms since the epoch). */
  since: number;
  /** When it fired, `since` plus the rule's `forMs` at the earliest (ms since the epoch). */
  firedAt: number;
  /** When it resolved (ms since the epoch); only on resolved alerts. */
  resolvedAt?: number;
  /** Why it resolved: `clear for 30 s` (how long the condition had been clear), or `clear`. */
  resolution?: string;
}

/** `backend-unhealthy` → `BackendUnhealthy`: an `alertname` both Prometheus and Alertmanager accept. */
export function alertName(ruleName: string): string {
  const words = ruleName.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const name = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  return /^[A-Za-z_]/.test(name) ? name : `Vth${name}`;
}

/** 16 hex digits over the rule and the sorted labels, as Alertmanager's fingerprints look. */
export function fingerprintOf(rule: string, labels: Record<string, string>): string {
  const hash = createHash('sha256');
  hash.update(rule);
  for (const key of Object.keys(labels).sort()) hash.update(`\0${key}\0${labels[key]}`);
  return hash.digest('hex').slice(0, 16);
}

/** `30 s`, `1.5 s`, `250 ms`, `2 min`: durations in summaries. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms < 120_000) return `${Math.round(ms / 100) / 10} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 6_000) / 10} min`;
  return `${Math.round(ms / 360_000) / 10} h`;
}
