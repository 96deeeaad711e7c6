import { EventEmitter } from 'node:events';
import { BackendError, fail, ok, type BackendResult } from '@vth/core';
import { emitErrorSafely, thrownMessage } from '@vth/core/kit';
import { type Alert } from './alert';
import { RuleAlerts } from './alert-lifecycle';
import { SourceSnapshot, type AlertSource } from './alert-source';
import { parseAlertingConfig, type AlertingConfig, type AlertingConfigInput } from './alerting-config';
import { systemClock, type AlertClock, type AlertTimer } from './clock';
import { observe } from './conditions/conditions';
import { EventLog } from './event-log';
import { ManagerListeners } from './manager-listeners';
import { type AlertSink } from './sinks/alert-sink';
import { WebhookSink } from './sinks/webhook-sink';

/** What `AlertEngine.create` takes; every field is optional. */
export interface AlertEngineOptions {
  /** Validated: a bad one is `INVALID_CONFIG` naming the path. Default: the default rules, no webhook. */
  config?: AlertingConfigInput;
  /** Besides the webhooks of `config`: a `LogAlertSink`, a `MemoryAlertSink`, your own. */
  sinks?: AlertSink[];
  /** Default: the real time. */
  clock?: AlertClock;
  /** Uniform in [0, 1), for the webhooks' back-off jitter. Default `Math.random`. */
  random?: () => number;
  /** `shutdown()` waits at most this long for sinks, ms (webhooks also stop at their own `flushTimeoutMs`). */
  flushTimeoutMs?: number;
}

/** The events of an `AlertEngine`. */
export interface AlertEngineEventMap {
  /** An alert fired (its condition held for the rule's `forMs`); sent to the sinks at the same time. */
  'alert-fired': [Alert];
  /** A firing alert resolved (its condition clear for the rule's `resolveAfterMs`): a new object, `state: 'resolved'`. */
  'alert-resolved': [Alert];
  /** A sink failed or gave up, the source could not be read, a listener threw. Evaluation goes on. */
  error: [BackendError];
}

/**
 * Evaluates alerting rules against a `BackendManager` (or any `AlertSource`): it listens to the manager's
 * events (ejections, recoveries, failovers, failed migrations and swaps, experiments) and acts on them at
 * once, and reads its metrics every `evaluationIntervalMs` (error rates, latency, panic mode) — and at the
 * moment a for-duration or resolve delay ends, so alerts fire and resolve on time. Each alert fires once
 * and resolves once; it goes to every sink and out as `alert-fired` / `alert-resolved`. Active alerts and
 * a bounded history of resolved ones are kept for a dashboard. Time comes from an injectable clock.
 *
 * No method throws; a failing sink or source never stops evaluation (it is reported as an `error` event).
 * `shutdown()` detaches, stops every timer, and resolves once every sink has delivered or given up.
 *
 * @example
 * ```ts
 * const engine = AlertEngine.create({
 *   config: { rules: [{ kind: 'backend-unhealthy', forMs: 30_000 }, { kind: 'pool-below', minHealthy: 2 }] },
 *   sinks: [new LogAlertSink()],
 * });
 * if (!engine.ok) throw engine.error;
 * engine.value.attach(manager);
 * engine.value.on('alert-fired', (alert) => console.warn(alert.summary));
 * // ... later
 * await engine.value.shutdown();
 * ```
 */
export class AlertEngine extends EventEmitter<AlertEngineEventMap> {
  /** The configuration in effect, defaults applied (each rule with its `name`, `severity`, `forMs`, ...). */
  readonly config: Readonly<AlertingConfig>;
  private readonly clock: AlertClock;
  private readonly sinks: AlertSink[];
  private readonly rules: RuleAlerts[];
  private readonly events: EventLog;
  private readonly flushTimeoutMs: number;
  private readonly history: Alert[] = [];
  private readonly deliveries = new Set<Promise<void>>();
  private subscription: ManagerListeners | undefined;
  private source: AlertSource | undefined;
  private timer: AlertTimer | undefined;
  private queued = false;
  private evaluating = false;
  private again = false;
  private lastEvaluation = Number.NEGATIVE_INFINITY;
  private nextDeadline: number | undefined;
  private closed: Promise<void> | undefined;

  /** Validates the configuration and makes an engine (not attached to anything yet). */
  static create(options: AlertEngineOptions = {}): BackendResult<AlertEngine> {
    const config = parseAlertingConfig(options.config ?? {});
    if (!config.ok) return config;
    const clock = options.clock ?? systemClock;
    const webhooks: AlertSink[] = [];
    for (const [i, hook] of config.value.webhooks.entries()) {
      const sink = WebhookSink.create(hook, { clock, ...(options.random ? { random: options.random } : {}) });
      if (!sink.ok) return fail('INVALID_CONFIG', `config.webhooks[${i}]: ${sink.error.message}`);
      webhooks.push(sink.value);
    }
    return ok(
      new AlertEngine(config.value, [...webhooks, ...(options.sinks ?? [])], clock, options.flushTimeoutMs),
    );
  }

  private constructor(
    config: AlertingConfig,
    sinks: AlertSink[],
    clock: AlertClock,
    flushTimeoutMs = 15_000,
  ) {
    super();
    this.config = config;
    this.sinks = sinks;
    this.clock = clock;
    this.flushTimeoutMs = flushTimeoutMs;
    this.rules = config.rules.map((rule) => new RuleAlerts(rule));
    const horizon = Math.max(0, ...config.rules.map((r) => ('windowMs' in r ? r.windowMs : 0)));
    this.events = new EventLog(horizon);
  }

  /**
   * Starts watching a manager: subscribes to its events, evaluates now and then on its interval.
   * `INVALID_INPUT` when already attached (detach first), `NOT_INITIALIZED` after `shutdown()`.
   */
  attach(source: AlertSource): BackendResult<void> {
    if (this.closed) return fail('NOT_INITIALIZED', 'the alert engine has been shut down');
    if (this.source)
      return fail('INVALID_INPUT', 'the alert engine is already attached to a source; detach() first');
    const needsLatency = this.config.rules.some((r) => r.kind === 'latency-p99' && r.of === 'commands');
    const subscription = new ManagerListeners(source);
    try {
      subscription.start(this.events, this.clock, needsLatency, () => this.soon());
    } catch (e) {
      subscription.remove();
      return fail('INVALID_INPUT', `cannot listen to the source's events: ${thrownMessage(e)}`);
    }
    this.subscription = subscription;
    this.source = source;
    this.evaluate();
    return ok();
  }

  /** Stops watching (alerts keep their state; attach again to go on). */
  detach(): void {
    this.subscription?.remove();
    this.subscription = undefined;
    this.source = undefined;
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** Firing alerts, oldest first. */
  active(): Alert[] {
    return this.rules.flatMap((r) => r.active()).sort((a, b) => a.firedAt - b.firedAt);
  }

  /** Resolved alerts, newest first (at most `historyLimit`; `limit` returns fewer). */
  resolved(limit?: number): Alert[] {
    return this.history.slice(0, limit === undefined ? undefined : Math.max(0, limit));
  }

  /** Evaluates every rule now (it also happens on events, on the interval and when a delay ends). */
  evaluate(): void {
    const source = this.source;
    if (!source) return;
    if (this.evaluating) {
      this.again = true;
      return;
    }
    this.evaluating = true;
    try {
      do {
        this.again = false;
        this.evaluateOnce(source);
      } while (this.again && this.source === source);
    } finally {
      this.evaluating = false;
      this.schedule();
    }
  }

  /**
   * Detaches, stops the timers, lets the sinks deliver what is pending (bounded by `flushTimeoutMs` and
   * each sink's own limits), closes them. Firing alerts are not resolved: their condition did not clear.
   */
  shutdown(): Promise<void> {
    this.closed ??= this.close();
    return this.closed;
  }

  private async close(): Promise<void> {
    this.detach();
    const settled = Promise.allSettled([
      ...this.sinks.map((s) => Promise.resolve().then(() => s.close?.())),
      ...this.deliveries,
    ]);
    let bound: AlertTimer | undefined;
    const late = await Promise.race([
      settled.then(() => false),
      new Promise<boolean>(
        (resolve) => (bound = this.clock.setTimer(() => resolve(true), this.flushTimeoutMs)),
      ),
    ]);
    bound?.cancel();
    if (late) this.report('INTERNAL', `sinks still busy after ${this.flushTimeoutMs} ms at shutdown`);
  }

  /** Evaluation soon (a burst of manager events makes one), out of the manager's own call stack. */
  private soon(): void {
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(() => {
      this.queued = false;
      this.evaluate();
    });
  }

  private evaluateOnce(source: AlertSource): void {
    const now = this.clock.now();
    this.lastEvaluation = now;
    this.nextDeadline = undefined;
    this.events.prune(now);
    const snapshot = new SourceSnapshot(source, (what, message) =>
      this.report('UNAVAILABLE', `reading the source's ${what} failed: ${message}`),
    );
    for (const rule of this.rules) {
      let observations;
      try {
        observations = observe(rule.rule, {
          now,
          source: snapshot,
          events: this.events,
          firing: (key) => rule.firing(key),
        });
      } catch (e) {
        // A rule that cannot be judged keeps its alerts as they are rather than resolving them.
        this.report('INTERNAL', `rule ${rule.rule.name} could not be evaluated: ${thrownMessage(e)}`);
        continue;
      }
      const step = rule.step(now, observations);
      if (step.nextDeadline !== undefined)
        this.nextDeadline = Math.min(this.nextDeadline ?? Number.POSITIVE_INFINITY, step.nextDeadline);
      for (const alert of step.resolved) {
        this.history.unshift(alert);
        if (this.history.length > this.config.historyLimit) this.history.length = this.config.historyLimit;
        this.publish('alert-resolved', alert);
      }
      for (const alert of step.fired) this.publish('alert-fired', alert);
    }
  }

  private schedule(): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (!this.source) return;
    const now = this.clock.now();
    const next = Math.min(
      this.lastEvaluation + this.config.evaluationIntervalMs,
      this.nextDeadline ?? Infinity,
    );
    this.timer = this.clock.setTimer(() => this.evaluate(), Math.max(0, next - now));
  }

  private publish(event: 'alert-fired' | 'alert-resolved', alert: Alert): void {
    for (const sink of this.sinks) this.deliver(sink, alert);
    // Each listener on its own: one that throws neither stops the others nor reaches the manager.
    for (const listener of this.listeners(event)) {
      try {
        (listener as (a: Alert) => void).call(this, alert);
      } catch (e) {
        this.report('INTERNAL', `an ${event} listener threw: ${thrownMessage(e)}`);
      }
    }
  }

  private deliver(sink: AlertSink, alert: Alert): void {
    const failed = (message: string): void =>
      this.report('UNAVAILABLE', `sink ${sink.name} failed to deliver alert ${alert.id}: ${message}`, {
        sink: sink.name,
        alertId: alert.id,
      });
    let outcome: ReturnType<AlertSink['deliver']>;
    try {
      outcome = sink.deliver(alert);
    } catch (e) {
      return failed(thrownMessage(e));
    }
    if (!outcome || typeof (outcome as Promise<unknown>).then !== 'function') return;
    const tracked: Promise<void> = Promise.resolve(outcome)
      .then(
        (result) => {
          if (result && result.ok === false) failed(result.error.message);
        },
        (e: unknown) => failed(thrownMessage(e)),
      )
      .finally(() => this.deliveries.delete(tracked));
    this.deliveries.add(tracked);
  }

  private report(code: 'UNAVAILABLE' | 'INTERNAL', message: string, details?: Record<string, unknown>): void {
    try {
      emitErrorSafely(
        this,
        new BackendError(code, message, { dispatched: false, ...(details ? { details } : {}) }),
      );
    } catch {
      // An `error` listener that throws has nowhere else to go.
    }
  }
}
