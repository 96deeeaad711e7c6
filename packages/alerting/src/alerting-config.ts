import { type BackendResult } from '@vth/core';
import { parseInput } from '@vth/core/kit';
import { z } from 'zod';
import { alertRuleSchema, DEFAULT_ALERT_RULES } from './alert-rules';
import { webhookOptionsSchema } from './sinks/webhook-options';

/**
 * Alerting's configuration: the rules, how often they are evaluated, how many resolved alerts are kept,
 * and webhooks to post to. Strict: an unknown key is an error naming its path.
 *
 * @example
 * ```ts
 * const config = parseAlertingConfig({
 *   rules: [
 *     { kind: 'backend-unhealthy', forMs: 30_000 },
 *     { kind: 'error-rate', name: 'errors-high', abovePercent: 10, resolveBelowPercent: 5 },
 *   ],
 *   webhooks: [{ url: 'https://hooks.slack.com/services/T0/B0/X', format: 'slack' }],
 * });
 * if (!config.ok) console.error(config.error.message); // INVALID_CONFIG: config.rules[1].abovePercent: ...
 * ```
 */
export const alertingConfigSchema = z
  .strictObject({
    /** Default: `DEFAULT_ALERT_RULES`. An empty list turns alerting off. */
    rules: z
      .array(alertRuleSchema)
      .max(256)
      .default(() => DEFAULT_ALERT_RULES.map((r) => alertRuleSchema.parse(r))),
    /** Metrics (error rate, latency, panic, experiments) are read this often; events are acted on at once. */
    evaluationIntervalMs: z.number().int().min(100, 'must be at least 100 ms').max(3_600_000).default(5_000),
    /** Resolved alerts kept for `AlertEngine.resolved()`, newest first. */
    historyLimit: z.number().int().min(0).max(100_000).default(500),
    webhooks: z.array(webhookOptionsSchema).max(32).default([]),
  })
  .superRefine((config, ctx) => {
    const seen = new Map<string, number>();
    config.rules.forEach((rule, i) => {
      const first = seen.get(rule.name);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'name'],
          message: `duplicate rule name "${rule.name}" (rules[${first}] has it; give each rule its own name)`,
        });
      else seen.set(rule.name, i);
    });
  });

/** The configuration as the engine uses it: validated, every default applied. */
export type AlertingConfig = z.output<typeof alertingConfigSchema>;
/** The configuration as written: every field optional (no `rules`: `DEFAULT_ALERT_RULES`). */
export type AlertingConfigInput = z.input<typeof alertingConfigSchema>;

/** `INVALID_CONFIG` naming every bad path (`config.rules[0].forMs: ...`), or the config with its defaults. */
export function parseAlertingConfig(input: unknown): BackendResult<AlertingConfig> {
  return parseInput(alertingConfigSchema, input ?? {}, 'config', 'INVALID_CONFIG');
}
