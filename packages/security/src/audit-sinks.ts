import { type AuditRecord, type AuditSink } from './audit-log';

/**
 * Keeps records in memory: for tests, and for showing recent activity in a dashboard.
 *
 * @example
 * ```ts
 * const sink = new MemoryAuditSink();
 * const backend = guardBackend(inner, { audit: { sink } });
 * // ... run commands ...
 * expect(sink.records.map((r) => r.outcome)).toEqual(['completed', 'denied']);
 * ```
 */
export class MemoryAuditSink implements AuditSink {
  /** The records kept, oldest first. `clear()` empties this same array: copy it to keep a snapshot. */
  readonly records: AuditRecord[] = [];

  /** @param maxRecords Oldest records are dropped beyond this many. Default: keep everything. */
  constructor(private readonly maxRecords = Number.POSITIVE_INFINITY) {}

  /** Appends the record, dropping the oldest beyond `maxRecords`. */
  write(record: AuditRecord): void {
    this.records.push(record);
    if (this.records.length > this.maxRecords) this.records.shift();
  }

  /** Forgets every record kept so far (between the steps of a test, say). */
  clear(): void {
    this.records.length = 0;
  }
}

/**
 * Hands each record to a function: forward to a logger, a queue, a SIEM. A returned Promise is not
 * awaited by the command; its rejection goes to the audit's `onError`.
 *
 * @example
 * ```ts
 * const sink = new CallbackAuditSink((record) => logger.info({ audit: record }, 'command'));
 * ```
 */
export class CallbackAuditSink implements AuditSink {
  constructor(private readonly fn: (record: AuditRecord) => void | Promise<void>) {}

  /** Calls the function; what it returns or throws goes back to the audit log. */
  write(record: AuditRecord): void | Promise<void> {
    return this.fn(record);
  }
}
