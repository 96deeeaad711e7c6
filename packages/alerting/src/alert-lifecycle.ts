import { createId } from '@vth/core/kit';
import { alertName, fingerprintOf, formatDuration, type Alert } from './alert';
import { type AlertRule } from './alert-rules';
import { type Observation } from './conditions/condition';

/** Text from the source (backend errors quote what sessions did) is kept to this many characters. */
const MAX_TEXT = 2_000;

function bounded(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

interface Instance {
  /** `pending`: holding, not yet for `forMs`. `resolving`: firing, clear, not yet for `resolveAfterMs`. */
  state: 'pending' | 'firing' | 'resolving';
  since: number;
  clearSince?: number;
  alert?: Alert;
}

/** What one step changed. */
export interface StepResult {
  fired: Alert[];
  resolved: Alert[];
  /** The next time something may change without news from the source: a for-duration or resolve delay ends. */
  nextDeadline?: number;
}

function freeze(alert: Alert): Alert {
  Object.freeze(alert.labels);
  return Object.freeze(alert);
}

/**
 * One rule's alerts, subject by subject: pending while the condition has held for less than `forMs`,
 * firing once it has held that long without a break, resolving once it is clear, resolved once it has been
 * clear for `resolveAfterMs` without a break. A condition that comes back while resolving keeps the alert
 * firing with no new notification (no flapping); one that goes away while pending starts over. Each alert
 * fires once and resolves once. Time is passed in.
 *
 * @example
 * ```ts
 * const alerts = new RuleAlerts(rule);
 * alerts.step(now, observations).fired; // alerts that fired now
 * ```
 */
export class RuleAlerts {
  private readonly instances = new Map<string, Instance>();

  constructor(readonly rule: AlertRule) {}

  /** Whether this subject's alert is firing (a resolve threshold applies to it). */
  firing(key: string): boolean {
    const state = this.instances.get(key)?.state;
    return state === 'firing' || state === 'resolving';
  }

  /** Firing alerts. */
  active(): Alert[] {
    return [...this.instances.values()].flatMap((i) => (i.alert && i.state !== 'pending' ? [i.alert] : []));
  }

  /** Applies what holds now (`observations`: one per subject where the condition holds). */
  step(now: number, observations: readonly Observation[]): StepResult {
    const rule = this.rule;
    const result: StepResult = { fired: [], resolved: [] };
    const holding = new Map(observations.map((o) => [o.key, o]));
    const deadline = (t: number | undefined): void => {
      if (t !== undefined && (result.nextDeadline === undefined || t < result.nextDeadline))
        result.nextDeadline = t;
    };
    for (const [key, obs] of holding) {
      let instance = this.instances.get(key);
      if (!instance) this.instances.set(key, (instance = { state: 'pending', since: now }));
      if (instance.state === 'resolving') {
        instance.state = 'firing';
        delete instance.clearSince;
      }
      if (instance.state === 'pending' && now - instance.since >= rule.forMs) {
        instance.state = 'firing';
        instance.alert = this.fire(obs, instance.since, now);
        result.fired.push(instance.alert);
      }
      if (instance.state === 'pending') deadline(instance.since + rule.forMs);
      deadline(obs.until);
    }
    for (const [key, instance] of this.instances) {
      if (holding.has(key)) continue;
      if (instance.state === 'pending') {
        this.instances.delete(key);
        continue;
      }
      if (instance.state === 'firing') {
        instance.state = 'resolving';
        instance.clearSince = now;
      }
      const clearFor = now - instance.clearSince!;
      if (clearFor >= rule.resolveAfterMs) {
        this.instances.delete(key);
        result.resolved.push(this.resolve(instance.alert!, now, clearFor));
      } else deadline(instance.clearSince! + rule.resolveAfterMs);
    }
    return result;
  }

  private fire(obs: Observation, since: number, now: number): Alert {
    const rule = this.rule;
    const labels: Record<string, string> = {
      ...rule.labels,
      ...obs.labels,
      alertname: alertName(rule.name),
      severity: rule.severity,
      rule: rule.name,
    };
    const held = rule.forMs > 0 ? ` for ${formatDuration(now - since)}` : '';
    return freeze({
      id: createId('alert'),
      fingerprint: fingerprintOf(rule.name, labels),
      rule: rule.name,
      kind: rule.kind,
      severity: rule.severity,
      state: 'firing',
      labels,
      summary: bounded(`${obs.summary}${held}`),
      description: bounded(obs.description),
      ...(obs.value === undefined ? {} : { value: obs.value }),
      since,
      firedAt: now,
    });
  }

  private resolve(alert: Alert, now: number, clearFor: number): Alert {
    return freeze({
      ...alert,
      labels: { ...alert.labels },
      state: 'resolved',
      resolvedAt: now,
      resolution: clearFor > 0 ? `clear for ${formatDuration(clearFor)}` : 'clear',
    });
  }
}
