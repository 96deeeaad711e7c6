import { type Alert } from '../alert';
import { type WebhookFormat, type WebhookOptions } from './webhook-options';

/** Alertmanager's zero time: what it sends as `endsAt` of an alert still firing. */
const ZERO_TIME = '0001-01-01T00:00:00Z';
/** Slack refuses a section text longer than this. */
const SLACK_SECTION_CHARS = 3_000;

const iso = (ms: number): string => new Date(ms).toISOString();

/** vth's own shape: the alert as it is, with a version to grow by. */
function jsonPayload(alert: Alert): unknown {
  return { version: 'vth.alert.v1', status: alert.state, alert };
}

/**
 * The body Alertmanager posts to a webhook receiver (version 4), one alert per notification: whatever
 * consumes Alertmanager's webhooks takes it as it is.
 */
function alertmanagerPayload(
  alert: Alert,
  options: Pick<WebhookOptions, 'receiver' | 'externalUrl'>,
): unknown {
  const annotations = {
    summary: alert.summary,
    description: alert.description,
    ...(alert.resolution ? { resolution: alert.resolution } : {}),
  };
  const groupLabels = { alertname: alert.labels['alertname'] ?? alert.rule };
  return {
    version: '4',
    groupKey: `{}:{alertname=${JSON.stringify(groupLabels.alertname)}}`,
    truncatedAlerts: 0,
    status: alert.state,
    receiver: options.receiver,
    groupLabels,
    commonLabels: alert.labels,
    commonAnnotations: annotations,
    externalURL: options.externalUrl,
    alerts: [
      {
        status: alert.state,
        labels: alert.labels,
        annotations,
        startsAt: iso(alert.firedAt),
        endsAt: alert.resolvedAt === undefined ? ZERO_TIME : iso(alert.resolvedAt),
        generatorURL: options.externalUrl,
        fingerprint: alert.fingerprint,
      },
    ],
  };
}

/**
 * Slack's control characters in message text: `<...>` makes links and mentions (`<!channel>`), `&` starts
 * an entity. Text from the source is escaped so it can never ping a channel or hide a link.
 */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** An incoming-webhook message: a plain `text` (notifications, old clients) and blocks. */
function slackPayload(alert: Alert): unknown {
  const firing = alert.state === 'firing';
  const head = firing
    ? `${alert.severity === 'critical' ? ':rotating_light:' : ':warning:'} [FIRING · ${alert.severity}] ${alert.labels['alertname'] ?? alert.rule}`
    : `:white_check_mark: [RESOLVED] ${alert.labels['alertname'] ?? alert.rule}`;
  const text = `${head}: ${slackEscape(alert.summary)}`;
  const body = [
    `*${slackEscape(head)}*`,
    slackEscape(alert.summary),
    `_${slackEscape(alert.description)}_`,
    ...(alert.resolution ? [`resolved: ${slackEscape(alert.resolution)}`] : []),
  ].join('\n');
  const context = Object.entries(alert.labels)
    .filter(([k]) => k !== 'alertname' && k !== 'severity')
    .map(([k, v]) => `${k}=${v}`)
    .join(' · ');
  const when = firing ? `since ${iso(alert.since)}` : `resolved ${iso(alert.resolvedAt ?? alert.firedAt)}`;
  return {
    text: cut(text, SLACK_SECTION_CHARS),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: cut(body, SLACK_SECTION_CHARS) } },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: cut(slackEscape(`${context} · ${when}`), SLACK_SECTION_CHARS) }],
      },
    ],
  };
}

/**
 * The JSON body a webhook of `format` posts for an alert.
 *
 * @example
 * ```ts
 * webhookPayload(alert, 'slack', options); // { text: ':warning: [FIRING · warning] BackendUnhealthy: ...', blocks: [...] }
 * ```
 */
export function webhookPayload(
  alert: Alert,
  format: WebhookFormat,
  options: Pick<WebhookOptions, 'receiver' | 'externalUrl'>,
): unknown {
  switch (format) {
    case 'json':
      return jsonPayload(alert);
    case 'slack':
      return slackPayload(alert);
    case 'alertmanager':
      return alertmanagerPayload(alert, options);
  }
}
