import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { asError } from './error-message';
import {
  processWarningReporter,
  safeHandler,
  type AuditErrorHandler,
  type AuditRecord,
  type AuditSink,
} from './audit-log';

/** How a {@link JsonLinesFileSink} creates its file and reports what it could not write. */
export interface JsonLinesFileSinkOptions {
  /** Permissions of a file the sink creates (an existing file keeps its own). Default `0o600`: commands are sensitive. */
  mode?: number;
  /** Told about every failed write; default: a process warning (`VTH_AUDIT`), at most ten. */
  onError?: AuditErrorHandler;
  /**
   * Records waiting for the disk beyond this are dropped (and reported), so a stalled disk cannot grow
   * memory without bound. Default 100 000.
   */
  maxPendingRecords?: number;
}

/*
 * O_NOFOLLOW: an audit file in a shared directory must not be redirected by someone else's symlink.
 * O_APPEND: every write lands at the end, even with several processes or a `copytruncate` rotation.
 */
const OPEN_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | (constants.O_NOFOLLOW ?? 0);

/**
 * Appends one JSON object per line to a file. `write` queues and returns at once; one writer drains the
 * queue in order, batching what piled up meanwhile into a single `write(2)`. The file opens at the first
 * record. A failure (a missing directory, a full disk) goes to `onError` and drops that batch; the next
 * record tries again. `close()` writes everything pending and closes the file; a record after it reopens
 * the file (call it after moving the file away to rotate it).
 *
 * @example
 * ```ts
 * const sink = new JsonLinesFileSink('/var/log/vth-audit.jsonl', {
 *   onError: (error) => logger.error(error),
 * });
 * const backend = guardBackend(inner, { audit: { sink } });
 * ```
 */
export class JsonLinesFileSink implements AuditSink {
  /** The file, as given; opened without following a symlink, so one at this path fails every write. */
  readonly path: string;
  private readonly mode: number;
  private readonly onError: AuditErrorHandler;
  private readonly maxPending: number;
  private queue: string[] = [];
  private handle: FileHandle | null = null;
  private draining: Promise<void> | null = null;
  private dropped = 0;

  constructor(path: string, options: JsonLinesFileSinkOptions = {}) {
    this.path = path;
    this.mode = options.mode ?? 0o600;
    this.onError = safeHandler(options.onError ?? processWarningReporter());
    this.maxPending = options.maxPendingRecords ?? 100_000;
  }

  /**
   * Serialises the record now (a later change to the object is not logged) and queues it; never waits
   * for the disk. Beyond `maxPendingRecords` waiting, the record is dropped and reported.
   */
  write(record: AuditRecord): void {
    let line: string;
    try {
      // Serialised now, so a caller that later mutates the record cannot change what was logged.
      line = `${JSON.stringify(record)}\n`;
    } catch (e) {
      this.onError(asError(e, 'serialising an audit record failed'), record);
      return;
    }
    if (this.queue.length >= this.maxPending) {
      if (this.dropped++ === 0) {
        this.onError(
          new Error(
            `audit file ${this.path}: ${this.maxPending} records are waiting for the disk; dropping records until it catches up`,
          ),
          record,
        );
      }
      return;
    }
    this.queue.push(line);
    this.draining ??= this.drain();
  }

  /** Resolves once every record written so far is in the file (or reported as failed). */
  async flush(): Promise<void> {
    for (let d = this.draining; d; d = this.draining) {
      await d;
      // Still the same promise: it settled before it was stored (cannot happen today; must not hang if it does).
      if (d === this.draining) return;
    }
  }

  /** Writes everything pending, then closes the file; a record written after it reopens the file. */
  async close(): Promise<void> {
    await this.flush();
    const handle = this.handle;
    this.handle = null;
    if (!handle) return;
    try {
      await handle.close();
    } catch (e) {
      this.onError(asError(e, `closing audit file ${this.path} failed`));
    }
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const lines = this.queue;
        this.queue = [];
        try {
          this.handle ??= await open(this.path, OPEN_FLAGS, this.mode);
          await writeFully(this.handle, Buffer.from(lines.join(''), 'utf8'));
        } catch (e) {
          this.onError(
            asError(e, `writing ${lines.length} audit record(s) to ${this.path} failed; they are lost`),
          );
          // A handle that failed once (EBADF, EIO) is not trusted again: the next batch reopens the path.
          const broken = this.handle;
          this.handle = null;
          await broken?.close().catch(() => undefined);
        }
        if (this.dropped > 0) {
          this.onError(new Error(`audit file ${this.path}: ${this.dropped} record(s) were dropped`));
          this.dropped = 0;
        }
      }
    } finally {
      this.draining = null;
    }
  }
}

async function writeFully(handle: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}
