import { type AlertRule } from '../alert-rules';
import { backendUnhealthy } from './backend-unhealthy';
import { type ConditionContext, type Observation } from './condition';
import { errorRate } from './error-rate';
import { eventWindow } from './event-window';
import { experimentWorse } from './experiment-worse';
import { latencyP99 } from './latency-p99';
import { panic } from './panic';
import { poolBelow } from './pool-below';

/** Where a rule's condition holds now, whatever its kind. */
export function observe(rule: AlertRule, ctx: ConditionContext): Observation[] {
  switch (rule.kind) {
    case 'backend-unhealthy':
      return backendUnhealthy(rule, ctx);
    case 'error-rate':
      return errorRate(rule, ctx);
    case 'latency-p99':
      return latencyP99(rule, ctx);
    case 'failover':
    case 'migration-failed':
    case 'swap-failed':
      return eventWindow(rule, ctx);
    case 'panic':
      return panic(rule, ctx);
    case 'pool-below':
      return poolBelow(rule, ctx);
    case 'experiment-worse':
      return experimentWorse(rule, ctx);
  }
}
