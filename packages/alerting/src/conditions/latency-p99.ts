import { formatDuration } from '../alert';
import { quantile } from '../event-log';
import { type Condition, backendSubject, covers } from './condition';

function ms(value: number): string {
  return `${Math.round(value * 10) / 10} ms`;
}

/**
 * A backend's p99 latency above `aboveMs`, once `minSamples` are in: of completed commands over `windowMs`
 * (`of: 'commands'`), or of the manager's probes and session starts over its health window (`of: 'probes'`).
 * Firing, it holds until p99 is at or below `resolveBelowMs`.
 */
export const latencyP99: Condition<'latency-p99'> = (rule, { source, events, now, firing }) => {
  const measured: Array<{ id: string; p99: number; count: number }> = [];
  if (rule.of === 'probes') {
    for (const b of Object.values(source.metrics()?.backends ?? {}))
      measured.push({ id: b.id, p99: b.health.latency.p99, count: b.health.latency.count });
  } else {
    for (const b of source.backends()) {
      const samples = events.latencySamples(b.id, now, rule.windowMs);
      measured.push({ id: b.id, p99: quantile(samples, 0.99), count: samples.length });
    }
  }
  const over =
    rule.of === 'probes' ? "the manager's health window" : `the last ${formatDuration(rule.windowMs)}`;
  const what = rule.of === 'probes' ? 'probes and session starts' : 'completed commands';
  return measured.flatMap(({ id, p99, count }) => {
    if (!covers(rule, id) || count < rule.minSamples) return [];
    const limit = firing(id) ? (rule.resolveBelowMs ?? rule.aboveMs) : rule.aboveMs;
    if (!(p99 > limit)) return [];
    const subject = backendSubject(id, source.backend(id));
    return [
      {
        key: id,
        labels: subject.labels,
        summary: `${subject.name} p99 latency ${ms(p99)} (above ${ms(rule.aboveMs)})`,
        description:
          `p99 of ${count} ${what} over ${over} is ${ms(p99)} ` +
          `(fires above ${ms(rule.aboveMs)}, clears at or below ${ms(rule.resolveBelowMs ?? rule.aboveMs)})`,
        value: Math.round(p99 * 10) / 10,
      },
    ];
  });
};
