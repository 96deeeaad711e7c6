import { type Condition, backendSubject, covers, percentText } from './condition';

/**
 * A backend's share of failed calls (failures it is responsible for: commands, session starts, probes) over
 * the manager's health window, once the window holds `minCalls` calls. Firing, it holds until the rate is at
 * or below `resolveBelowPercent`.
 */
export const errorRate: Condition<'error-rate'> = (rule, { source, firing }) => {
  const metrics = source.metrics();
  if (!metrics) return [];
  return Object.values(metrics.backends).flatMap((b) => {
    if (!covers(rule, b.id) || b.health.calls < rule.minCalls) return [];
    const rate = b.health.errorRate * 100;
    const limit = firing(b.id) ? (rule.resolveBelowPercent ?? rule.abovePercent) : rule.abovePercent;
    if (!(rate > limit)) return [];
    const subject = backendSubject(b.id, source.backend(b.id));
    const failed = Math.round(b.health.errorRate * b.health.calls);
    const lastError = b.health.lastError ? `; last error: ${b.health.lastError}` : '';
    return [
      {
        key: b.id,
        labels: subject.labels,
        summary: `${subject.name} error rate ${percentText(b.health.errorRate)} (above ${rule.abovePercent} %)`,
        description:
          `${failed} of ${b.health.calls} calls failed over the manager's health window ` +
          `(${percentText(b.health.errorRate)}; fires above ${rule.abovePercent} %, ` +
          `clears at or below ${rule.resolveBelowPercent ?? rule.abovePercent} %)${lastError}`,
        value: Math.round(rate * 100) / 100,
      },
    ];
  });
};
