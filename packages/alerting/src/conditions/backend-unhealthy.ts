import { type Condition, backendSubject, covers } from './condition';

/**
 * A backend out of service in the manager's eyes: not running (it could not be started or rebuilt), ejected
 * from rotation, or judged unhealthy. Draining backends are being taken out on purpose and never count.
 */
export const backendUnhealthy: Condition<'backend-unhealthy'> = (rule, { source }) => {
  const metrics = source.metrics();
  return source
    .backends()
    .filter((b) => covers(rule, b.id) && !b.draining && (!b.running || b.ejected || b.status === 'unhealthy'))
    .map((b) => {
      const health = metrics?.backends[b.id]?.health;
      const subject = backendSubject(b.id, b);
      const why = !b.running
        ? 'not running: it could not be started'
        : b.ejected
          ? `ejected from rotation: ${health?.ejectionReason ?? 'failing'}`
          : 'judged unhealthy by the manager';
      const lastError = health?.lastError ? `; last error: ${health.lastError}` : '';
      return {
        key: b.id,
        labels: subject.labels,
        summary: `${subject.name} unhealthy`,
        description: `${subject.name} is ${why}${lastError}`,
      };
    });
};
