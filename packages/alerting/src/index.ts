/**
 * `@vth/alerting`: alerts on a vth `BackendManager`. An `AlertEngine` evaluates rules over the manager's
 * health, metrics and events (a backend out of rotation, an error rate, latency, failovers, lost migrations,
 * failed hot swaps, panic mode, a pool short of healthy backends, an A/B variant found worse), so that each
 * alert fires once and resolves once, and hands it to sinks: logs, webhooks (vth JSON, Slack, Alertmanager),
 * memory for a dashboard, or your own. `prometheusRules` exports the same rules for Prometheus. No method
 * throws: a bad configuration is `INVALID_CONFIG` naming its path. A clock for tests is in
 * `@vth/alerting/testing`.
 *
 * @example
 * ```ts
 * import { AlertEngine, LogAlertSink } from '@vth/alerting';
 * const engine = AlertEngine.create({
 *   config: { rules: [{ kind: 'pool-below', minHealthy: 2 }] },
 *   sinks: [new LogAlertSink()],
 * });
 * if (engine.ok) engine.value.attach(manager);
 * ```
 *
 * @module @vth/alerting
 */
export { AlertEngine, type AlertEngineOptions, type AlertEngineEventMap } from './alert-engine';
export { type Alert, alertName } from './alert';
export {
  alertRuleSchema,
  backendUnhealthyRuleSchema,
  errorRateRuleSchema,
  latencyRuleSchema,
  failoverRuleSchema,
  migrationFailedRuleSchema,
  swapFailedRuleSchema,
  panicRuleSchema,
  poolBelowRuleSchema,
  experimentWorseRuleSchema,
  ALERT_RULE_KINDS,
  ALERT_SEVERITIES,
  DEFAULT_ALERT_RULES,
  RESERVED_LABELS,
  type AlertRule,
  type AlertRuleInput,
  type AlertRuleKind,
  type AlertRuleOf,
  type AlertSeverity,
} from './alert-rules';
export {
  alertingConfigSchema,
  parseAlertingConfig,
  type AlertingConfig,
  type AlertingConfigInput,
} from './alerting-config';
export { type AlertSource } from './alert-source';
export { systemClock, type AlertClock, type AlertTimer } from './clock';
export { type AlertSink } from './sinks/alert-sink';
export { LogAlertSink, type LogAlertSinkOptions, type AlertLogRecord } from './sinks/log-sink';
export { MemoryAlertSink, type MemoryAlertEntry } from './sinks/memory-sink';
export { WebhookSink, type WebhookSinkDeps } from './sinks/webhook-sink';
export {
  webhookOptionsSchema,
  WEBHOOK_FORMATS,
  type WebhookFormat,
  type WebhookOptions,
  type WebhookOptionsInput,
} from './sinks/webhook-options';
export { webhookPayload, slackEscape } from './sinks/webhook-payloads';
export {
  prometheusRules,
  type PrometheusRules,
  type PrometheusRulesOptions,
} from './prometheus/prometheus-rules';
export { VTH_METRICS } from './prometheus/metric-names';
