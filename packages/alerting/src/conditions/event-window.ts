import { formatDuration } from '../alert';
import { type AlertRuleOf } from '../alert-rules';
import { type CountedEvent } from '../event-log';
import { type ConditionContext, type Observation, backendSubject } from './condition';

const NOUNS: Record<CountedEvent, [one: string, many: string, preposition: string]> = {
  failover: ['failover', 'failovers', 'from'],
  'migration-failed': ['failed session migration', 'failed session migrations', 'from'],
  'swap-failed': ['failed hot swap', 'failed hot swaps', 'of'],
};

/**
 * At least `count` events of the rule's kind for a backend within the last `windowMs`: failovers away from
 * it, sessions that could not be moved off it, hot swaps of it rolled back. It stops holding when the
 * `count`-th newest event ages out of the window.
 */
export function eventWindow(
  rule: AlertRuleOf<CountedEvent>,
  { source, events, now }: ConditionContext,
): Observation[] {
  const [one, many, preposition] = NOUNS[rule.kind];
  const out: Observation[] = [];
  for (const [id, seen] of events.counts(rule.kind, now, rule.windowMs, rule.count)) {
    if (seen.count < rule.count || seen.until === undefined) continue;
    const subject = backendSubject(id, source.backend(id));
    out.push({
      key: id,
      labels: subject.labels,
      summary: `${seen.count} ${seen.count === 1 ? one : many} ${preposition} ${subject.name} in the last ${formatDuration(rule.windowMs)}`,
      description: `last: ${seen.lastReason}`,
      value: seen.count,
      until: seen.until,
    });
  }
  return out;
}
