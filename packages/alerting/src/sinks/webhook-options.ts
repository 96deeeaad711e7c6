import { z } from 'zod';
import { ALERT_SEVERITIES } from '../alert-rules';

/** Payload shapes a webhook sink can post. */
export const WEBHOOK_FORMATS = ['json', 'slack', 'alertmanager'] as const;
/** One of {@link WEBHOOK_FORMATS}: the `format` option. */
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** Headers a sink sets itself (a configured one would make the request lie about its body). */
const OWN_HEADERS = new Set(['content-type', 'content-length', 'host', 'transfer-encoding', 'connection']);

/**
 * A webhook: where alerts are posted, in which shape, and how hard to try.
 *
 * @example
 * ```ts
 * { url: 'https://hooks.slack.com/services/T000/B000/XXXX', format: 'slack', minSeverity: 'warning' }
 * ```
 */
export const webhookOptionsSchema = z
  .strictObject({
    /** http or https. The path may hold a secret (Slack's does): messages name only the origin. */
    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).max(4096),
    /** `json` (vth's own: `{ version, status, alert }`), `slack` (incoming webhook), `alertmanager` (webhook receiver v4). */
    format: z.enum(WEBHOOK_FORMATS).default('json'),
    /** Extra request headers, e.g. `authorization`. Never logged. */
    headers: z
      .record(
        z.string(),
        z
          .string()
          .max(8192)
          .refine((v) => !/[\r\n\0]/.test(v), 'must not contain CR, LF or NUL'),
      )
      .superRefine((headers, ctx) => {
        for (const name of Object.keys(headers)) {
          if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
            ctx.addIssue({ code: 'custom', path: [name], message: 'must be an HTTP header name' });
          else if (OWN_HEADERS.has(name.toLowerCase()))
            ctx.addIssue({ code: 'custom', path: [name], message: 'is set by the sink' });
        }
      })
      .default({}),
    /** Alerts below this severity are not posted. */
    minSeverity: z.enum(ALERT_SEVERITIES).default('info'),
    /** One attempt (connect, send, response) that takes longer fails and may be retried, ms. */
    timeoutMs: z.number().int().min(10, 'must be at least 10 ms').max(120_000).default(5_000),
    /** Attempts per alert, the first included. */
    maxAttempts: z.number().int().min(1).max(20).default(5),
    /** Back-off before the second attempt; doubles each time (with jitter) up to `maxBackoffMs`, ms. */
    initialBackoffMs: z.number().int().min(0).max(600_000).default(500),
    maxBackoffMs: z.number().int().min(0).max(600_000).default(30_000),
    /** Notifications waiting beyond this many: the oldest is given up. */
    maxQueue: z.number().int().min(1).max(100_000).default(1_000),
    /** `close()` waits this long for pending deliveries, then gives the rest up, ms. */
    flushTimeoutMs: z.number().int().min(0).max(600_000).default(10_000),
    /** Alertmanager format: the `receiver` field. */
    receiver: z.string().min(1).max(256).default('vth'),
    /** Alertmanager format: `externalURL` (a link back to the dashboard, say). */
    externalUrl: z.string().max(4096).default(''),
  })
  .refine((o) => o.maxBackoffMs >= o.initialBackoffMs, {
    path: ['maxBackoffMs'],
    message: 'must be at least initialBackoffMs',
  });

/** A webhook's options as the sink uses them: validated, every default applied. */
export type WebhookOptions = z.output<typeof webhookOptionsSchema>;
/** A webhook's options as written: only `url` is required. */
export type WebhookOptionsInput = z.input<typeof webhookOptionsSchema>;
