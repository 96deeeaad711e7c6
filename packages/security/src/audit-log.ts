import { type BackendErrorCode } from '@vth/core';
import { boundCommand, DEFAULT_MAX_COMMAND_BYTES, truncateUtf8 } from './bounded-command';
import { asError } from './error-message';
import { redactSecrets } from './redact-secrets';
import { RefusalCoalescer } from './refusal-coalescer';

/**
 * How a command ended: a `CommandExecution` status for commands that ran, `denied`/`rate-limited` for
 * commands refused before dispatch, `error` for calls the backend answered with an error.
 */
export type AuditOutcome =
  'completed' | 'timed-out' | 'interrupted' | 'lost' | 'running' | 'denied' | 'rate-limited' | 'error';

/** One record per command, written whatever became of it. */
export interface AuditRecord {
  /** When the command started (or was refused), ISO 8601 in UTC. */
  time: string;
  /** The backend instance that was asked (a guard's `backendId`). */
  backendId: string;
  /** Its plugin type (`tmux`, `node-pty`, ...). */
  backendType: string;
  /** The call's `context.requestId`: joins the record to the caller's own logs. */
  requestId?: string;
  /** The call's `context.userId`, as the caller set it (the guard does not authenticate it). */
  userId?: string;
  /** The call's `context.source` (`voice`, `api`, `cli`, ...). */
  source?: string;
  /** The session the command was for; empty for a refused `createSession` that named none. */
  sessionId: string;
  /** The pane, when the call named one or the command ran. */
  paneId?: string;
  /** The `CommandExecution.id`, for commands that ran: joins the record to `command-*` events. */
  commandId?: string;
  /**
   * `'input'` for text sent with `sendInput` that was refused; `'session'` for a refused `createSession`
   * (its `command` is empty); absent for commands.
   */
  kind?: 'input' | 'session';
  /** The command text, after redaction; its first `maxCommandBytes` bytes only (see `commandBytes`). */
  command: string;
  /**
   * UTF-8 length of the whole command after redaction. Always set by {@link AuditLog}; more than the
   * length of `command` when it was cut.
   */
  commandBytes?: number;
  /** Hex sha256 of the whole command after redaction (so it cannot confirm a guess of a masked secret). */
  commandSha256?: string;
  /** How it ended; `running` for a long command that yielded (a second record follows when it ends). */
  outcome: AuditOutcome;
  /** Never invented: `null` unless the shell reported one. */
  exitCode: number | null;
  /** From dispatch to the end; for a refusal, the time the decision took (a confirm dialog included). */
  durationMs: number;
  /** The `BackendError` code of a refusal or a failed call (`FORBIDDEN`, `RATE_LIMITED`, ...). */
  errorCode?: BackendErrorCode;
  /** Why it was refused or failed, after redaction (cut like the command). */
  reason?: string;
  /**
   * Set on a record that stands for repeated refusals (same session, user and error code within the
   * coalescing window): how many. The record is the first of them; `lastTime` is when the last came.
   */
  count?: number;
  /** With `count`: when the last of the repeats came, ISO 8601 in UTC. */
  lastTime?: string;
}

/**
 * Where records go. `write` must not block: a sink that does I/O queues the record and returns (a
 * returned Promise is awaited only by `AuditLog.flush`/`close`, never by a command).
 */
export interface AuditSink {
  /**
   * Takes one record, already redacted and cut. A throw or a rejection goes to the log's `onError`; the
   * command goes on either way.
   */
  write(record: AuditRecord): void | Promise<void>;
  /** Writes everything pending and releases the sink's resources. */
  close?(): Promise<void>;
}

/** Rewrites a record before any sink sees it (must not throw; if it does, the command text is dropped). */
export type AuditRedactor = (record: AuditRecord) => AuditRecord;

/** Told about every audit failure; the command it concerned is not affected. */
export type AuditErrorHandler = (error: Error, record?: AuditRecord) => void;

/** Where an {@link AuditLog} writes, and what it does to a record first. */
export interface AuditLogOptions {
  /** Receives every record, redacted and cut. */
  sink: AuditSink;
  /** Default {@link defaultRedact}; `false` writes commands verbatim. */
  redact?: AuditRedactor | false;
  /** Default: a process warning (`VTH_AUDIT`), at most ten per log, so a full disk cannot flood stderr. */
  onError?: AuditErrorHandler;
  /**
   * Bytes of a command (and of a reason) kept in a record, after redaction; the record also carries the
   * whole command's `commandBytes` and `commandSha256`. Default 4096.
   */
  maxCommandBytes?: number;
  /**
   * Refusals (`denied`, `rate-limited`) of the same session, user and error code within this many ms
   * after a first one are written as one record with a `count` when the window ends (or at `close`).
   * Default 5000; 0 writes every refusal.
   */
  coalesceWindowMs?: number;
  /** Monotonic ms for the coalescing windows, for tests. Default `performance.now()`. */
  clock?: () => number;
}

/** Windows of repeated refusals open at once; the oldest is written early beyond it. */
const MAX_COALESCED_KEYS = 10_000;

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
  private readonly maxBytes: number;
  private readonly coalescer: RefusalCoalescer<AuditRecord[]> | null;
  private readonly pending = new Set<Promise<void>>();

  /** Throws a `RangeError` on a bad `maxCommandBytes` or `coalesceWindowMs` (programming errors). */
  constructor(options: AuditLogOptions) {
    this.sink = options.sink;
    this.redact = options.redact === false ? null : (options.redact ?? defaultRedact);
    this.onError = safeHandler(options.onError ?? processWarningReporter());
    this.maxBytes = positiveInteger(options.maxCommandBytes, DEFAULT_MAX_COMMAND_BYTES, 'maxCommandBytes');
    const windowMs = options.coalesceWindowMs ?? 5000;
    if (typeof windowMs !== 'number' || !Number.isFinite(windowMs) || windowMs < 0) {
      throw new RangeError(`coalesceWindowMs must be a finite number >= 0, got ${String(windowMs)}`);
    }
    this.coalescer =
      windowMs > 0
        ? new RefusalCoalescer({
            windowMs,
            maxKeys: MAX_COALESCED_KEYS,
            clock: options.clock ?? (() => performance.now()),
            flush: (first, count, lastTime) => this.write(first.map((r) => ({ ...r, count, lastTime }))),
          })
        : null;
  }

  /** Writes one record (a refusal may be coalesced with its repeats: see `coalesceWindowMs`). */
  record(entry: AuditRecord): void {
    this.recordAll([entry]);
  }

  /**
   * Writes the records of one call together (a refused batch has one per command); a refused call is
   * coalesced with the repeats of its first record's session, user and error code as a whole.
   */
  recordAll(entries: readonly AuditRecord[]): void {
    const head = entries[0];
    if (!head) return;
    if (this.coalescer && isRefusal(head)) {
      const key = `${head.sessionId}\0${head.userId ?? ''}\0${head.errorCode ?? head.outcome}`;
      if (!this.coalescer.offer(key, head.time, () => entries.map((e) => this.prepared(e)))) return;
    }
    this.write(entries.map((e) => this.prepared(e)));
  }

  /** Resolves once every write handed to the sink so far has settled. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Writes the repeats still held in coalescing windows, flushes, then closes the sink. */
  async close(): Promise<void> {
    this.coalescer?.flushAll();
    await this.flush();
    try {
      await this.sink.close?.();
    } catch (e) {
      this.onError(asError(e, 'closing the audit sink failed'));
    }
  }

  private write(records: readonly AuditRecord[]): void {
    for (const record of records) {
      try {
        const written = this.sink.write(record);
        if (written && typeof (written as Promise<void>).then === 'function') this.track(written, record);
      } catch (e) {
        this.onError(asError(e, 'audit sink failed'), record);
      }
    }
  }

  /** Redacted, then cut: the cut must not leave half a secret that redaction would have recognised whole. */
  private prepared(entry: AuditRecord): AuditRecord {
    const record = this.redacted(entry);
    const { command, commandBytes, commandSha256 } = boundCommand(record.command, this.maxBytes);
    // Keys in reading order: the digest follows the command it describes.
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(record)) {
      if (key === 'commandBytes' || key === 'commandSha256') continue;
      if (key === 'command') Object.assign(out, { command, commandBytes, commandSha256 });
      else if (key === 'reason' && typeof value === 'string') out[key] = truncateUtf8(value, this.maxBytes);
      else out[key] = value;
    }
    return out as unknown as AuditRecord;
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

function isRefusal(record: AuditRecord): boolean {
  return record.outcome === 'denied' || record.outcome === 'rate-limited';
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
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
