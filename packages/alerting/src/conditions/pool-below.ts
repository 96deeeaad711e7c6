import { type PoolBackendSummary } from '@vth/manager';
import { type Condition } from './condition';

/** Shown by name at most; the rest are counted. */
const LISTED = 10;

/** Serving: running, in rotation, not draining, not judged unhealthy (degraded still serves). */
export function isHealthy(b: PoolBackendSummary): boolean {
  return b.running && !b.ejected && !b.draining && b.status !== 'unhealthy';
}

function why(b: PoolBackendSummary): string {
  if (!b.running) return 'not running';
  if (b.ejected) return 'ejected';
  if (b.draining) return 'draining';
  return b.status;
}

/** Fewer than `minHealthy` healthy backends in a group of the pool (a group that is gone has none). */
export const poolBelow: Condition<'pool-below'> = (rule, { source }) => {
  const members = source.backends().filter((b) => b.group === rule.group);
  const healthy = members.filter(isHealthy).length;
  if (healthy >= rule.minHealthy) return [];
  const out = members.filter((b) => !isHealthy(b));
  const listed = out.slice(0, LISTED).map((b) => `${b.id} ${why(b)}`);
  if (out.length > LISTED) listed.push(`${out.length - LISTED} more`);
  return [
    {
      key: rule.group,
      labels: { group: rule.group },
      summary: `pool ${rule.group}: ${healthy} of ${members.length} backends healthy (minimum ${rule.minHealthy})`,
      description:
        members.length === 0 ? `no backend in group ${rule.group}` : `out of service: ${listed.join(', ')}`,
      value: healthy,
    },
  ];
};
