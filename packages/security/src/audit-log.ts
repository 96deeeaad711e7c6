import { type BackendErrorCode } from '@vth/core';
import { asError } from './error-message';
import { redactSecrets } from './redact-secrets';

/**
 * How a command ended: a `CommandExecution` status for commands that ran, `denied`/`rate-limited` for
 * commands refused before dispatch, `error` for calls the backend answered with an error.
 */
export type AuditOutcome =
  'completed' | 'timed-out' | 'interrupted' | 'lost' | 'denied' | 'rate-limited' | 'error';

/** One record per command, written whatever became of it. */
export interface AuditRecord {
  /** When the command started (or was refused), ISO 8601 in UTC. */
  time: string;
  backendId: string;
  backendType: string;
  requestId?: string;
  userId?: string;
  source?: string;
  sessionId: string;
  paneId?: string;
  /** The `CommandExecution.id`, for commands that ran: joins the record to `command-*` events. */
  commandId?: string;
  /** `'input'` for text sent with `sendInput` that a policy refused; absent for commands. */
  kind?: 'input';
  /** The command text, after redaction. */
  command: string;
  outcome: AuditOutcome;
  /** Never invented: `null` unless the shell reported one. */
  exitCode: number | null;
  durationMs: number;
  errorCode?: BackendErrorCode;
  /** Why it was refused or failed, after redaction. */
  reason?: string;
}

/**
 * Where records go. `write` must not block: a sink that does I/O queues the record and returns (a
 * returned Promise is awaited only by `AuditLog.flush`/`close`, never by a command).
 */
export interface AuditSink {
  write(record: AuditRecord): void | Promise<void>;
  /** Writes everything pending and releases the sink's resources. */
  close?(): Promise<void>;
}

/** Rewrites a record before any sink sees it (must not throw; if it does, the command text is dropped). */
export type AuditRedactor = (record: AuditRecord) => AuditRecord;

/** Told about every audit failure; the command it concerned is not affected. */
export type AuditErrorHandler = (error: Error, record?: AuditRecord) => void;

export interface AuditLogOptions {
  sink: AuditSink;
  /** Default {@link defaultRedact}; `false` writes commands verbatim. */
  redact?: AuditRedactor | false;
  /** Default: a process warning (`VTH_AUDIT`), at most ten per log, so a full disk cannot flood stderr. */
  onError?: AuditErrorHandler;
}

/** What an audit record's command becomes when the redactor throws: better no command than a secret. */
export const REDACTION_FAILED = '[redaction failed]';

/**
 * The default redactor: {@link redactSecrets} over the command and the reason (a policy's reason may
 * quote the command).
 *
 * @example
 * ```ts
 * new AuditLog({ sink, redact: (r) => ({ ...defaultRedact(r), userId: hash(r.userId) }) });
 * ```
 */
export function defaultRedact(record: AuditRecord): AuditRecord {
  return {
    ...record,
    command: redactSecrets(record.command),
    ...(record.reason === undefined ? {} : { reason: redactSecrets(record.reason) }),
  };
}

/**
 * Writes audit records to a sink after redaction. Never throws and never waits for I/O: a failing redactor
 * or sink is reported to `onError` and the command goes on.
 *
 * @example
 * ```ts
 * const audit = new AuditLog({ sink: new JsonLinesFileSink('/var/log/vth-audit.jsonl') });
 * audit.record({ time: new Date().toISOString(), backendId: 'pty-1', backendType: 'node-pty',
 *   sessionId: 's1', command: 'ls', outcome: 'completed', exitCode: 0, durationMs: 12 });
 * await audit.close();
 * ```
 */
export class AuditLog {
  private readonly sink: AuditSink;
  private readonly redact: AuditRedactor | null;
  private readonly onError: AuditErrorHandler;
  private readonly pending = new Set<Promise<void>>();

  constructor(options: AuditLogOptions) {
    this.sink = options.sink;
    this.redact = options.redact === false ? null : (options.redact ?? defaultRedact);
    this.onError = safeHandler(options.onError ?? processWarningReporter());
  }

  record(entry: AuditRecord): void {
    const record = this.redacted(entry);
    try {
      const written = this.sink.write(record);
      if (written && typeof (written as Promise<void>).then === 'function') this.track(written, record);
    } catch (e) {
      this.onError(asError(e, 'audit sink failed'), record);
    }
  }

  /** Resolves once every write handed to the sink so far has settled. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Flushes, then closes the sink. */
  async close(): Promise<void> {
    await this.flush();
    try {
      await this.sink.close?.();
    } catch (e) {
      this.onError(asError(e, 'closing the audit sink failed'));
    }
  }

  private redacted(entry: AuditRecord): AuditRecord {
    if (!this.redact) return entry;
    try {
      const out = this.redact(entry);
      if (typeof out === 'object' && out !== null && typeof out.command === 'string') return out;
      throw new TypeError('the redactor did not return a record with a string command');
    } catch (e) {
      // The reason may quote the command, so it goes too; the error code still says what happened.
      const { reason: _reason, ...rest } = entry;
      const record: AuditRecord = { ...rest, command: REDACTION_FAILED };
      this.onError(asError(e, 'audit redaction failed'), record);
      return record;
    }
  }

  private track(written: Promise<void>, record: AuditRecord): void {
    const settled: Promise<void> = Promise.resolve(written).then(
      () => {
        this.pending.delete(settled);
      },
      (e: unknown) => {
        this.pending.delete(settled);
        this.onError(asError(e, 'audit sink failed'), record);
      },
    );
    this.pending.add(settled);
  }
}

/** A handler that throws would break the very command the audit must not disturb. */
export function safeHandler(handler: AuditErrorHandler): AuditErrorHandler {
  return (error, record) => {
    try {
      handler(error, record);
    } catch {
      // Nowhere left to report it.
    }
  };
}

/** Process warnings, the first ten only: a missing directory fails every write the same way. */
export function processWarningReporter(limit = 10): AuditErrorHandler {
  let reported = 0;
  return (error) => {
    if (reported > limit) return;
    reported++;
    const message =
      reported > limit ? `${error.message} (further audit errors are not reported)` : error.message;
    process.emitWarning(message, { code: 'VTH_AUDIT' });
  };
}
