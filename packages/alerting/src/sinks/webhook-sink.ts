import { fail, ok, type BackendResult } from '@vth/core';
import { parseInput } from '@vth/core/kit';
import { type Alert } from '../alert';
import { ALERT_SEVERITIES } from '../alert-rules';
import { systemClock, type AlertClock } from '../clock';
import { type AlertSink } from './alert-sink';
import { postJson, type PostOutcome } from './http-post';
import { webhookOptionsSchema, type WebhookOptions, type WebhookOptionsInput } from './webhook-options';
import { webhookPayload } from './webhook-payloads';

interface Delivery {
  alert: Alert;
  body: string;
  done: (result: BackendResult<void>) => void;
}

/** What a webhook sink needs besides its options: time and randomness, injectable for tests. */
export interface WebhookSinkDeps {
  /** Times each attempt's timeout, the back-off and `close()`'s limit. Default: the real time. */
  clock?: AlertClock;
  /** Uniform in [0, 1), for back-off jitter. Default `Math.random`. */
  random?: () => number;
}

/** Answers worth another try: the receiver is busy or broken for now. Anything else 4xx/3xx will not change. */
function retryable(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/**
 * Posts each alert (fired, then resolved) as JSON to a URL: vth's own shape, a Slack incoming-webhook
 * message, or Alertmanager's webhook-receiver body. Deliveries go one at a time, in order (a resolution
 * never overtakes its firing). A network error, a timeout, a 5xx, 408 or 429 is retried with exponential
 * back-off and jitter (honouring `Retry-After`, up to `maxBackoffMs`), up to `maxAttempts`; another status
 * gives up at once. `close()` waits for what is queued up to `flushTimeoutMs`, then gives the rest up and
 * aborts the request in flight: it always resolves, and leaves no socket or timer behind.
 *
 * The URL's path is treated as a secret (Slack's is a credential): errors and the sink's name show only
 * its origin. Configured headers are never reported.
 *
 * @example
 * ```ts
 * const sink = WebhookSink.create({ url: 'https://hooks.slack.com/services/T0/B0/X', format: 'slack' });
 * if (!sink.ok) throw sink.error; // INVALID_CONFIG naming the bad field
 * const engine = AlertEngine.create({ config, sinks: [sink.value] });
 * ```
 */
export class WebhookSink implements AlertSink {
  /** `webhook <origin>`: the URL's path is left out, it may be a secret. */
  readonly name: string;
  /**
   * The options in effect, defaults applied. The full `url` and the `headers` may hold credentials (a Slack
   * URL's path, an `authorization` header): log `name`, not these.
   */
  readonly options: Readonly<WebhookOptions>;
  private readonly url: URL;
  private readonly clock: AlertClock;
  private readonly random: () => number;
  private readonly queue: Delivery[] = [];
  private readonly abort = new AbortController();
  private pumping: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  /** Validates `options` (`INVALID_CONFIG` naming each bad field) and makes a sink. */
  static create(options: WebhookOptionsInput, deps: WebhookSinkDeps = {}): BackendResult<WebhookSink> {
    const parsed = parseInput(webhookOptionsSchema, options, 'webhook', 'INVALID_CONFIG');
    if (!parsed.ok) return parsed;
    return ok(new WebhookSink(parsed.value, deps));
  }

  private constructor(options: WebhookOptions, deps: WebhookSinkDeps) {
    this.options = Object.freeze({ ...options });
    this.url = new URL(options.url);
    this.name = `webhook ${this.url.origin}`;
    this.clock = deps.clock ?? systemClock;
    this.random = deps.random ?? Math.random;
  }

  /** Deliveries queued or in flight. */
  get pending(): number {
    return this.queue.length;
  }

  /** Resolves once the alert is delivered (`ok`) or given up (`UNAVAILABLE`, or `NOT_INITIALIZED` after `close`). */
  deliver(alert: Alert): Promise<BackendResult<void>> {
    if (this.closing) return Promise.resolve(this.failure('NOT_INITIALIZED', 'the sink is closed'));
    if (ALERT_SEVERITIES.indexOf(alert.severity) > ALERT_SEVERITIES.indexOf(this.options.minSeverity))
      return Promise.resolve(ok());
    const body = JSON.stringify(webhookPayload(alert, this.options.format, this.options));
    return new Promise((done) => {
      this.queue.push({ alert, body, done });
      if (this.queue.length > this.options.maxQueue) {
        // The oldest waiting one (not the one in flight) makes room.
        const dropped = this.queue.splice(1, 1)[0]!;
        dropped.done(
          this.failure(
            'UNAVAILABLE',
            `queue full (${this.options.maxQueue}): alert ${dropped.alert.id} dropped`,
          ),
        );
      }
      this.pumping ??= this.pump();
    });
  }

  close(): Promise<void> {
    this.closing ??= this.flush();
    return this.closing;
  }

  private async flush(): Promise<void> {
    if (!this.pumping) return;
    const deadline = this.clock.setTimer(() => this.abort.abort(), this.options.flushTimeoutMs);
    await this.pumping;
    deadline.cancel();
  }

  private async pump(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const delivery = this.queue[0]!;
        const result = this.abort.signal.aborted
          ? this.failure('UNAVAILABLE', `given up at close: alert ${delivery.alert.id} not delivered`)
          : await this.send(delivery);
        this.queue.shift();
        delivery.done(result);
      }
    } finally {
      // In the same step as the last look at the queue: a delivery added after it starts a new pump.
      this.pumping = undefined;
    }
  }

  private async send(delivery: Delivery): Promise<BackendResult<void>> {
    const { maxAttempts, timeoutMs, headers } = this.options;
    let last: PostOutcome = {};
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      last = await postJson(this.url, delivery.body, headers, timeoutMs, this.clock, this.abort.signal);
      if (last.status !== undefined && last.status >= 200 && last.status < 300) return ok();
      if (last.aborted) break;
      if (last.status !== undefined && !retryable(last.status)) break;
      if (attempt < maxAttempts) await this.backoff(attempt, last.retryAfterMs);
      if (this.abort.signal.aborted) break;
    }
    const why = last.status !== undefined ? `answered ${last.status}` : (last.error ?? 'failed');
    return this.failure('UNAVAILABLE', `alert ${delivery.alert.id} not delivered: ${why}`, {
      status: last.status,
    });
  }

  /** Exponential with "equal jitter": between half and all of `initial * 2^(attempt-1)`, capped. */
  private backoff(attempt: number, retryAfterMs: number | undefined): Promise<void> {
    const { initialBackoffMs, maxBackoffMs } = this.options;
    const base = Math.min(maxBackoffMs, initialBackoffMs * 2 ** (attempt - 1));
    const ms =
      retryAfterMs !== undefined
        ? Math.min(retryAfterMs, maxBackoffMs)
        : base / 2 + (this.random() * base) / 2;
    const signal = this.abort.signal;
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const onAbort = (): void => {
        timer.cancel();
        resolve();
      };
      const timer = this.clock.setTimer(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private failure(
    code: 'UNAVAILABLE' | 'NOT_INITIALIZED',
    message: string,
    details?: Record<string, unknown>,
  ) {
    return fail<void>(code, `${this.name}: ${message}`, {
      dispatched: false,
      details: { sink: this.name, ...details },
    });
  }
}
