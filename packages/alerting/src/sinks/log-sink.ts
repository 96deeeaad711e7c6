import { type Writable } from 'node:stream';
import { type Alert } from '../alert';
import { type AlertSeverity } from '../alert-rules';
import { type AlertSink } from './alert-sink';

/** One structured log record of an alert, as `LogAlertSink` writes it. */
export interface AlertLogRecord {
  /** ISO 8601. */
  time: string;
  /** From the severity for a firing alert (critical `error`, warning `warn`, info `info`); `info` for a resolution. */
  level: 'error' | 'warn' | 'info';
  /** `firing: <summary>` or `resolved: <summary> (<resolution>)`. */
  msg: string;
  /** Which notification this is, as the engine's event names it. */
  event: 'alert-fired' | 'alert-resolved';
  /** The alert as delivered; its `summary` and `description` quote backends' messages, so treat them as untrusted text. */
  alert: Alert;
}

/** Where a `LogAlertSink` writes: a stream, or (when `log` is given) a logger function instead. */
export interface LogAlertSinkOptions {
  /** JSON lines go here (default `process.stderr`). */
  stream?: Pick<Writable, 'write'> & Partial<Pick<Writable, 'once' | 'writableNeedDrain'>>;
  /** Instead of a stream: each record goes to a logger, e.g. `(r) => pino[r.level](r, r.msg)`. */
  log?: (record: AlertLogRecord) => void;
}

const LEVELS: Record<AlertSeverity, AlertLogRecord['level']> = {
  critical: 'error',
  warning: 'warn',
  info: 'info',
};

/**
 * Structured logs: one JSON object per line per notification (`level` from the severity; resolutions are
 * `info`), to a stream or a logger function.
 *
 * @example
 * ```ts
 * new LogAlertSink({ stream: process.stdout });
 * // {"time":"2030-01-01T00:00:30.000Z","level":"warn","msg":"firing: backend b1 (tmux) unhealthy for 30 s","event":"alert-fired","alert":{...}}
 * ```
 */
export class LogAlertSink implements AlertSink {
  readonly name = 'log';

  constructor(private readonly options: LogAlertSinkOptions = {}) {}

  deliver(alert: Alert): void {
    const firing = alert.state === 'firing';
    const record: AlertLogRecord = {
      time: new Date(firing ? alert.firedAt : (alert.resolvedAt ?? alert.firedAt)).toISOString(),
      level: firing ? LEVELS[alert.severity] : 'info',
      msg: firing
        ? `firing: ${alert.summary}`
        : `resolved: ${alert.summary} (${alert.resolution ?? 'clear'})`,
      event: firing ? 'alert-fired' : 'alert-resolved',
      alert,
    };
    if (this.options.log) this.options.log(record);
    else (this.options.stream ?? process.stderr).write(`${JSON.stringify(record)}\n`);
  }

  /** Waits until the stream has taken what was written (when it was full). */
  async close(): Promise<void> {
    const stream = this.options.stream;
    if (!stream?.writableNeedDrain || !stream.once) return;
    await new Promise<void>((resolve) => {
      stream.once!('drain', resolve);
      stream.once!('close', resolve);
    });
  }
}
