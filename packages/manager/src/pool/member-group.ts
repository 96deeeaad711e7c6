import { HealthPool } from '../health/health-pool';
import { type HealthThresholds } from '../health-thresholds';

/**
 * Backends that stand in for one another: the main pool, or the backends of one experiment variant. Each
 * group has its own health pool, so ejection caps and panic mode apply within it.
 */
export interface MemberGroup {
  readonly id: string;
  readonly pool: HealthPool;
  /** For a variant's group: which experiment and variant. */
  readonly experiment?: string;
  readonly variant?: string;
}

/** The group of the configuration's `backends`. */
export const MAIN_GROUP = 'main';

export function newGroup(
  id: string,
  thresholds: HealthThresholds,
  variant?: { experiment: string; variant: string },
): MemberGroup {
  return { id, pool: new HealthPool(thresholds), ...(variant ?? {}) };
}

/** The group of an experiment's variant. */
export function variantGroupId(experiment: string, variant: string): string {
  return `${experiment}.${variant}`;
}
