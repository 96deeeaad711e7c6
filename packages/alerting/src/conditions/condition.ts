import { type PoolBackendSummary } from '@vth/manager';
import { type AlertRuleKind, type AlertRuleOf } from '../alert-rules';
import { type SourceSnapshot } from '../alert-source';
import { type EventLog } from '../event-log';

/** A rule's condition holding for one subject (a backend, a group, an experiment's variant), now. */
export interface Observation {
  /** The subject, unique within the rule. */
  key: string;
  /** The subject's labels: `backend`, `type`, `group`, `experiment`, `variant`, `control`. */
  labels: Record<string, string>;
  /** A headline without a duration: `backend b1 (tmux) unhealthy`. */
  summary: string;
  /** The figures and reasons. */
  description: string;
  value?: number;
  /** When it stops holding unless something happens (an event ageing out of a window). */
  until?: number;
}

export interface ConditionContext {
  now: number;
  source: SourceSnapshot;
  events: EventLog;
  /** Whether the rule's alert for this subject is firing: a resolve threshold applies instead of the firing one. */
  firing(key: string): boolean;
}

/** Where the rule's condition holds now. */
export type Condition<K extends AlertRuleKind> = (
  rule: AlertRuleOf<K>,
  ctx: ConditionContext,
) => Observation[];

/** The labels and name of a pool backend, as alerts show them. */
export function backendSubject(
  id: string,
  summary: PoolBackendSummary | undefined,
): { labels: Record<string, string>; name: string } {
  const labels: Record<string, string> = { backend: id };
  if (summary) {
    labels['type'] = summary.type;
    labels['group'] = summary.group;
  }
  return { labels, name: summary ? `backend ${id} (${summary.type})` : `backend ${id}` };
}

/** Whether a rule limited to some backends covers this one. */
export function covers(rule: { backends?: string[] | undefined }, backendId: string): boolean {
  return rule.backends === undefined || rule.backends.includes(backendId);
}

export function percentText(share: number): string {
  return `${Math.round(share * 1000) / 10} %`;
}
