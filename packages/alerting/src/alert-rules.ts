import { z } from 'zod';

/** Alert severities, most severe first (a webhook's `minSeverity` posts that one and those before it). */
export const ALERT_SEVERITIES = ['critical', 'warning', 'info'] as const;
/** One of {@link ALERT_SEVERITIES}. */
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** The kinds of rule, each a condition on what a `BackendManager` reports. */
export const ALERT_RULE_KINDS = [
  'backend-unhealthy',
  'error-rate',
  'latency-p99',
  'failover',
  'migration-failed',
  'swap-failed',
  'panic',
  'pool-below',
  'experiment-worse',
] as const;
/** One of {@link ALERT_RULE_KINDS}: a rule's `kind`. */
export type AlertRuleKind = (typeof ALERT_RULE_KINDS)[number];

/** Labels every alert carries, set by the engine: a rule's own `labels` may not use them. */
export const RESERVED_LABELS = [
  'alertname',
  'severity',
  'rule',
  'backend',
  'type',
  'group',
  'experiment',
  'variant',
  'control',
] as const;

const WEEK_MS = 7 * 24 * 3_600_000;
const duration = z
  .number({ error: 'must be a number of milliseconds' })
  .int('must be a whole number of milliseconds')
  .min(0, 'must be 0 or more')
  .max(WEEK_MS, 'must be at most a week (604800000 ms)');
const positiveDuration = duration.min(1_000, 'must be at least 1000 ms');
const count = z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000);
const percent = z
  .number({ error: 'must be a percentage' })
  .min(0, 'must be 0 or more')
  .max(100, 'must be at most 100');

/**
 * Prometheus label names, so exported and webhook labels mean the same thing everywhere. Checked key by key
 * (a record's key schema would only say "Invalid key in record").
 */
function labelNameProblem(name: string): string | undefined {
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) || name.length > 64)
    return 'must be a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, at most 64 characters)';
  if (name.startsWith('__')) return 'must not start with "__" (reserved by Prometheus)';
  if ((RESERVED_LABELS as readonly string[]).includes(name))
    return `is set by vth (reserved: ${RESERVED_LABELS.join(', ')})`;
  return undefined;
}

const labelsSchema = z
  .record(z.string(), z.string().max(256))
  .superRefine((labels, ctx) => {
    for (const name of Object.keys(labels)) {
      const problem = labelNameProblem(name);
      if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
    }
  })
  .refine((labels) => Object.keys(labels).length <= 32, 'at most 32 labels');

const backendIds = z.array(z.string().min(1).max(256)).min(1, 'must name at least one backend').max(256);

interface KindDefaults {
  severity: AlertSeverity;
  forMs: number;
  resolveAfterMs: number;
}

/** What every rule has: a name, a severity, how long the condition must hold, and how long it must be clear. */
function common<K extends AlertRuleKind>(kind: K, defaults: KindDefaults) {
  return {
    kind: z.literal(kind),
    /** Names the rule in alerts (`rule` label) and, turned into CamelCase, their `alertname`. Default: the kind. */
    name: z
      .string()
      .regex(
        /^[A-Za-z][A-Za-z0-9_.-]*$/,
        'must start with a letter and use letters, digits, "_", "-" and "."',
      )
      .max(64, 'must be at most 64 characters')
      .default(kind),
    severity: z.enum(ALERT_SEVERITIES).default(defaults.severity),
    /** The condition must hold this long, without a break, before the alert fires. */
    forMs: duration.default(defaults.forMs),
    /** A firing alert resolves once its condition has been clear this long, without a break (hysteresis). */
    resolveAfterMs: duration.default(defaults.resolveAfterMs),
    /** Extra labels on every alert of the rule (a team, a runbook key...). */
    labels: labelsSchema.default({}),
  };
}

/** Event rules hold while at least `count` events happened within the last `windowMs`. */
function eventWindow() {
  return {
    count: count.default(1),
    windowMs: positiveDuration.default(300_000),
  };
}

/**
 * `backend-unhealthy`: a backend is not running, ejected from rotation, or judged unhealthy by the manager
 * (draining backends never count); one alert per backend. Defaults: warning, 30 s to fire, 30 s to resolve.
 */
export const backendUnhealthyRuleSchema = z.strictObject({
  ...common('backend-unhealthy', { severity: 'warning', forMs: 30_000, resolveAfterMs: 30_000 }),
  /** Only these pool backends (default: all; draining backends never count). */
  backends: backendIds.optional(),
});

/**
 * `error-rate`: a backend's share of failed calls over the manager's health window (`health.windowMs`) is
 * above `abovePercent`, with at least `minCalls` calls in it; one alert per backend. Defaults: warning, 60 s,
 * 60 s.
 */
export const errorRateRuleSchema = z.strictObject({
  ...common('error-rate', { severity: 'warning', forMs: 60_000, resolveAfterMs: 60_000 }),
  /** Fires above this share of failed calls over the manager's health window. */
  abovePercent: percent,
  /** Once firing, counts as clear only at or below this (default `abovePercent`). */
  resolveBelowPercent: percent.optional(),
  /** Calls the window must hold before the rate counts (1 failure in 2 calls is no evidence). */
  minCalls: count.default(20),
  backends: backendIds.optional(),
});

/**
 * `latency-p99`: a backend's p99 latency (of commands or of the manager's probes, see `of`) is above
 * `aboveMs`, over at least `minSamples` samples; one alert per backend. Defaults: warning, 60 s, 60 s.
 */
export const latencyRuleSchema = z.strictObject({
  ...common('latency-p99', { severity: 'warning', forMs: 60_000, resolveAfterMs: 60_000 }),
  aboveMs: z.number().positive('must be more than 0').max(WEEK_MS),
  resolveBelowMs: z.number().positive('must be more than 0').max(WEEK_MS).optional(),
  /**
   * `commands`: completed commands' round trips over `windowMs` (what users wait for; includes how long
   * the command itself runs). `probes`: the manager's health probes and session starts over its health
   * window (the backend's own responsiveness, whatever users run).
   */
  of: z.enum(['commands', 'probes']).default('commands'),
  /** For `of: 'commands'`. */
  windowMs: positiveDuration.default(300_000),
  minSamples: count.default(20),
  backends: backendIds.optional(),
});

/**
 * `failover`: at least `count` failovers away from a backend (it lost sessions the manager moved) in the
 * last `windowMs`. Defaults: warning, fires at once, resolves when the `count`-th newest leaves the window.
 */
export const failoverRuleSchema = z.strictObject({
  ...common('failover', { severity: 'warning', forMs: 0, resolveAfterMs: 0 }),
  ...eventWindow(),
});

/**
 * `migration-failed`: at least `count` sessions of a backend could not be re-created anywhere in the last
 * `windowMs`. Defaults: critical, fires at once, resolves when the `count`-th newest leaves the window.
 */
export const migrationFailedRuleSchema = z.strictObject({
  ...common('migration-failed', { severity: 'critical', forMs: 0, resolveAfterMs: 0 }),
  ...eventWindow(),
});

/**
 * `swap-failed`: at least `count` hot swaps of a backend rolled back in the last `windowMs`. Defaults:
 * warning, fires at once, resolves when the `count`-th newest leaves the window.
 */
export const swapFailedRuleSchema = z.strictObject({
  ...common('swap-failed', { severity: 'warning', forMs: 0, resolveAfterMs: 0 }),
  ...eventWindow(),
});

/**
 * `panic`: the main pool is in panic mode (too few backends in rotation, so the manager routes to all of
 * them). Defaults: critical, fires at once, resolves after 30 s out of it.
 */
export const panicRuleSchema = z.strictObject({
  ...common('panic', { severity: 'critical', forMs: 0, resolveAfterMs: 30_000 }),
});

/**
 * `pool-below`: fewer than `minHealthy` backends of a group are healthy (running, in rotation, not draining,
 * not unhealthy; degraded ones still serve). Defaults: critical, 30 s, 30 s.
 */
export const poolBelowRuleSchema = z.strictObject({
  ...common('pool-below', { severity: 'critical', forMs: 30_000, resolveAfterMs: 30_000 }),
  /** Fires when fewer backends than this are healthy (running, in rotation, not draining, not unhealthy). */
  minHealthy: z.number().int('must be a whole number').min(1, 'must be at least 1').max(10_000),
  /** The manager's group: `main`, or `<experiment>.<variant>`. */
  group: z.string().min(1).max(256).default('main'),
});

/**
 * `experiment-worse`: a running experiment's variant has the verdict `worse` against its control; one alert
 * per variant; a stopped experiment's variants no longer count. Defaults: warning, 60 s, 60 s.
 */
export const experimentWorseRuleSchema = z.strictObject({
  ...common('experiment-worse', { severity: 'warning', forMs: 60_000, resolveAfterMs: 60_000 }),
  /** Only these experiments (default: all). */
  experiments: z.array(z.string().min(1).max(64)).min(1).max(64).optional(),
});

const RULE_SCHEMAS = [
  backendUnhealthyRuleSchema,
  errorRateRuleSchema,
  latencyRuleSchema,
  failoverRuleSchema,
  migrationFailedRuleSchema,
  swapFailedRuleSchema,
  panicRuleSchema,
  poolBelowRuleSchema,
  experimentWorseRuleSchema,
] as const;

/**
 * One alerting rule. `kind` picks the condition; every rule has `name`, `severity`, `forMs` (the condition
 * must hold this long before the alert fires) and `resolveAfterMs` (it must be clear this long before the
 * alert resolves).
 *
 * @example
 * ```ts
 * alertRuleSchema.parse({ kind: 'error-rate', abovePercent: 5, resolveBelowPercent: 2, forMs: 60_000 });
 * ```
 */
export const alertRuleSchema = z
  .discriminatedUnion('kind', RULE_SCHEMAS, {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `kind must be one of ${ALERT_RULE_KINDS.join(', ')}${
            typeof issue.input === 'object' && issue.input !== null && 'kind' in issue.input
              ? ` (got ${JSON.stringify((issue.input as { kind: unknown }).kind)})`
              : ''
          }`
        : undefined,
  })
  .superRefine((rule, ctx) => {
    if (rule.kind === 'error-rate' && rule.resolveBelowPercent !== undefined) {
      if (rule.resolveBelowPercent > rule.abovePercent)
        ctx.addIssue({
          code: 'custom',
          path: ['resolveBelowPercent'],
          message: `must be at most abovePercent (${rule.abovePercent})`,
        });
    }
    if (
      rule.kind === 'latency-p99' &&
      rule.resolveBelowMs !== undefined &&
      rule.resolveBelowMs > rule.aboveMs
    )
      ctx.addIssue({
        code: 'custom',
        path: ['resolveBelowMs'],
        message: `must be at most aboveMs (${rule.aboveMs})`,
      });
  });

/** A rule as the engine uses it: validated, every default applied. */
export type AlertRule = z.output<typeof alertRuleSchema>;
/** A rule as written in a configuration: only `kind` and the kind's required fields are needed. */
export type AlertRuleInput = z.input<typeof alertRuleSchema>;
/** The rule of one kind. */
export type AlertRuleOf<K extends AlertRuleKind> = Extract<
  AlertRule,
  {
    /** The kind the rule is picked by. */
    kind: K;
  }
>;

/**
 * The rules used when a configuration names none: a backend out for 30 s, fewer than one healthy backend,
 * panic mode, failovers, lost migrations, failed swaps, error rates above 20 % for a minute and experiment
 * variants found worse. Latency depends on what runs, so it has no default rule.
 */
export const DEFAULT_ALERT_RULES: readonly AlertRuleInput[] = [
  { kind: 'backend-unhealthy' },
  { kind: 'pool-below', minHealthy: 1 },
  { kind: 'panic' },
  { kind: 'failover' },
  { kind: 'migration-failed' },
  { kind: 'swap-failed' },
  { kind: 'error-rate', abovePercent: 20, resolveBelowPercent: 10 },
  { kind: 'experiment-worse' },
];
