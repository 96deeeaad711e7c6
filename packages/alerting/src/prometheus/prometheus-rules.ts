import { ok, type BackendResult } from '@vth/core';
import { parseInput } from '@vth/core/kit';
import { z } from 'zod';
import { alertName, formatDuration } from '../alert';
import { type AlertRule } from '../alert-rules';
import { parseAlertingConfig } from '../alerting-config';
import { VTH_METRICS as M } from './metric-names';
import { toYaml, type YamlValue } from './yaml-text';

const optionsSchema = z.strictObject({
  /** The rule group's name. */
  groupName: z.string().min(1).max(256).default('vth'),
  /** The manager's `health.windowMs`: the window of the error-rate expression, ms. */
  healthWindowMs: z.number().int().min(1_000).max(86_400_000).default(60_000),
  /** The group's `interval` (absent: Prometheus's global evaluation interval), ms. */
  intervalMs: z.number().int().min(1_000).max(86_400_000).optional(),
});

/** Options of `prometheusRules`: the group's name and interval, and the manager's health window. */
export type PrometheusRulesOptions = z.input<typeof optionsSchema>;

/** What `prometheusRules` makes of a configuration: the rule file, and what could not be carried over. */
export interface PrometheusRules {
  /** A Prometheus rule file (`groups:`), for `rule_files`. Checked with `promtool check rules`. */
  yaml: string;
  /** Rules with no metric to query (`latency-p99` of probes), with why. */
  skipped: Array<{ rule: string; reason: string }>;
  /** Where an exported rule differs from the engine's, in words. */
  notes: string[];
}

/** A Prometheus duration: `30s`, `5m`, `1h`, `1500ms`, `0s`. */
function promDuration(ms: number): string {
  if (ms > 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms > 0 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** A PromQL string literal holding an RE2 regex matching exactly these values. */
function oneOf(values: readonly string[]): string {
  const regex = values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return JSON.stringify(regex);
}

function quoted(value: string): string {
  return JSON.stringify(value);
}

/** Rule labels and annotations are Go templates: text of the configuration must not open an action. */
function literal(text: string): string {
  return text.replace(/\{\{/g, '{{ "{{" }}');
}

function matcher(label: string, values: readonly string[] | undefined): string {
  return values ? `{${label}=~${oneOf(values)}}` : '';
}

interface Expression {
  expr: string;
  summary: string;
  description: string;
}

function expression(rule: AlertRule, healthWindow: string): Expression | { skip: string } {
  const window = (ms: number): string => promDuration(ms);
  switch (rule.kind) {
    case 'backend-unhealthy':
      return {
        expr: `${M.backendUp}${matcher('backend', rule.backends)} == 0`,
        summary: `backend {{ $labels.backend }} unhealthy for more than ${formatDuration(rule.forMs)}`,
        description:
          'The manager reports the backend not running, ejected from rotation or unhealthy ' +
          `(${M.backendUp} == 0).`,
      };
    case 'error-rate': {
      const f = matcher('backend', rule.backends);
      const w = healthWindow;
      return {
        expr:
          `100 * sum by (backend) (rate(${M.callErrorsTotal}${f}[${w}])) / sum by (backend) (rate(${M.callsTotal}${f}[${w}])) > ${rule.abovePercent}` +
          ` and sum by (backend) (increase(${M.callsTotal}${f}[${w}])) >= ${rule.minCalls}`,
        summary: `backend {{ $labels.backend }} error rate {{ $value | printf "%.1f" }} % (above ${rule.abovePercent} %)`,
        description: `Share of failed calls over the last ${w}, with at least ${rule.minCalls} calls.`,
      };
    }
    case 'latency-p99': {
      if (rule.of === 'probes')
        return { skip: "no exported metric holds the manager's probe latency; use of: 'commands'" };
      const f = matcher('backend', rule.backends);
      const w = window(rule.windowMs);
      return {
        expr:
          `1000 * histogram_quantile(0.99, sum by (backend, le) (rate(${M.commandDuration}_bucket${f}[${w}]))) > ${rule.aboveMs}` +
          ` and sum by (backend) (increase(${M.commandDuration}_count${f}[${w}])) >= ${rule.minSamples}`,
        summary: `backend {{ $labels.backend }} p99 latency {{ $value | printf "%.0f" }} ms (above ${rule.aboveMs} ms)`,
        description: `p99 round trip of completed commands over the last ${w}.`,
      };
    }
    case 'failover':
    case 'migration-failed':
    case 'swap-failed': {
      const [metric, noun] = {
        failover: [M.failoversTotal, 'failovers from'],
        'migration-failed': [M.migrationsFailedTotal, 'failed session migrations from'],
        'swap-failed': [M.swapsFailedTotal, 'failed hot swaps of'],
      }[rule.kind];
      const w = window(rule.windowMs);
      return {
        expr: `sum by (backend) (increase(${metric}[${w}])) >= ${rule.count}`,
        summary: `{{ $value | printf "%.0f" }} ${noun} backend {{ $labels.backend }} in the last ${formatDuration(rule.windowMs)}`,
        description: `At least ${rule.count} in the last ${w} (${metric}).`,
      };
    }
    case 'panic':
      return {
        expr: `${M.poolPanic}{group="main"} == 1`,
        summary: 'pool {{ $labels.group }} in panic mode',
        description: 'Too few backends in rotation: new sessions go to every backend, healthy or not.',
      };
    case 'pool-below':
      return {
        expr: `${M.poolHealthyBackends}{group=${quoted(rule.group)}} < ${rule.minHealthy}`,
        summary: `pool {{ $labels.group }}: {{ $value }} backends healthy (minimum ${rule.minHealthy})`,
        description: 'Backends running, in rotation, not draining and not unhealthy.',
      };
    case 'experiment-worse': {
      const f = rule.experiments ? `,experiment=~${oneOf(rule.experiments)}` : '';
      return {
        expr: `${M.experimentVerdict}{verdict="worse"${f}} == 1`,
        summary:
          'experiment {{ $labels.experiment }}: variant {{ $labels.variant }} worse than {{ $labels.control }}',
        description: 'The comparison with the control found the variant worse (error rate or latency).',
      };
    }
  }
}

/**
 * The rules of an alerting configuration as a Prometheus rule file, for those who already run Prometheus
 * and Alertmanager: same names (`alertname` in CamelCase, a `rule` label), severities, `for` and
 * `keep_firing_for` (Prometheus 2.42 or later) from `forMs` and `resolveAfterMs`, over the metrics of
 * `VTH_METRICS`.
 *
 * @example
 * ```ts
 * const rules = prometheusRules({ rules: [{ kind: 'pool-below', minHealthy: 2 }] });
 * if (rules.ok) writeFileSync('/etc/prometheus/rules/vth.yml', rules.value.yaml);
 * ```
 */
export function prometheusRules(
  config: unknown,
  options: PrometheusRulesOptions = {},
): BackendResult<PrometheusRules> {
  const parsed = parseAlertingConfig(config);
  if (!parsed.ok) return parsed;
  const opts = parseInput(optionsSchema, options ?? {}, 'options');
  if (!opts.ok) return opts;
  const skipped: PrometheusRules['skipped'] = [];
  const notes: string[] = [];
  const rules: YamlValue[] = [];
  for (const rule of parsed.value.rules) {
    const built = expression(rule, promDuration(opts.value.healthWindowMs));
    if ('skip' in built) {
      skipped.push({ rule: rule.name, reason: built.skip });
      continue;
    }
    const below =
      rule.kind === 'error-rate'
        ? rule.resolveBelowPercent
        : rule.kind === 'latency-p99'
          ? rule.resolveBelowMs
          : undefined;
    if (below !== undefined)
      notes.push(
        `${rule.name}: resolves when the value is back under the firing threshold, not at ${below} ` +
          '(Prometheus keeps a firing alert only for keep_firing_for)',
      );
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(rule.labels)) labels[k] = literal(v);
    rules.push({
      alert: alertName(rule.name),
      expr: built.expr,
      for: promDuration(rule.forMs),
      keep_firing_for: rule.resolveAfterMs > 0 ? promDuration(rule.resolveAfterMs) : undefined,
      labels: { ...labels, severity: rule.severity, rule: rule.name },
      annotations: { summary: built.summary, description: built.description },
    });
  }
  const group: Record<string, YamlValue | undefined> = {
    name: opts.value.groupName,
    interval: opts.value.intervalMs === undefined ? undefined : promDuration(opts.value.intervalMs),
    rules,
  };
  const header =
    '# vth alerting rules, generated by @vth/alerting prometheusRules().\n' +
    `# Metrics: ${Object.values(M).join(', ')}.\n`;
  return ok({ yaml: header + toYaml({ groups: [group] }), skipped, notes });
}
