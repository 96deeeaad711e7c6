import {
  type BackendError,
  type BackendErrorCode,
  type CommandExecution,
  type ExecutionContext,
} from '@vth/core';
import { type AuditLog, type AuditOutcome, type AuditRecord } from './audit-log';

/** A dispatched command the backend answered with an error. */
export interface FailedCommand {
  /** The command as dispatched; redacted before the audit record is written. */
  command: string;
  /** The session it was sent to. */
  sessionId: string;
  /** The pane, when the call named one. */
  paneId?: string;
  /** `Date.now()` when it was dispatched; gives the record its time and duration. */
  startedAt?: number;
}

/** What the guard knows of a command when it audits it; the context adds who and from where. */
interface AuditEntry {
  startedAt: number;
  sessionId: string;
  paneId?: string;
  commandId?: string;
  kind?: 'input' | 'session';
  command: string;
  outcome: AuditOutcome;
  exitCode: number | null;
  durationMs: number;
  errorCode?: BackendErrorCode;
  reason?: string;
}

const NO_CONTEXT: ExecutionContext = Object.freeze({});

/**
 * What a guard writes to its audit log: a record per command, with who asked (the call's context) and the
 * backend's identity, in the order a person reads a JSON line.
 */
export class GuardAudit {
  constructor(
    private readonly log: AuditLog,
    private readonly idOf: () => string,
    private readonly typeOf: () => string,
  ) {}

  /** Audits a command that ran, whatever its status. */
  completed(execution: CommandExecution, context?: ExecutionContext): void {
    this.write(
      {
        startedAt: execution.startedAt,
        sessionId: execution.sessionId,
        paneId: execution.paneId,
        commandId: execution.id,
        command: execution.command,
        outcome: execution.status,
        exitCode: execution.exitCode,
        durationMs: execution.durationMs,
      },
      context,
    );
  }

  /** Audits a dispatched command the backend answered with an error (`outcome: 'error'`). */
  failed(request: FailedCommand, error: BackendError, context?: ExecutionContext): void {
    const now = Date.now();
    const startedAt = request.startedAt ?? now;
    this.write(
      {
        startedAt,
        sessionId: request.sessionId,
        ...(request.paneId === undefined ? {} : { paneId: request.paneId }),
        command: request.command,
        outcome: 'error',
        exitCode: null,
        durationMs: Math.max(0, now - startedAt),
        errorCode: error.code,
        reason: error.message,
      },
      context,
    );
  }

  /** Audits the commands of one refused call together, so repeats of the call coalesce as a whole. */
  refused(
    startedAt: number,
    request: { sessionId: string; paneId?: string },
    commands: readonly { command: string; reason?: string; kind?: 'input' }[],
    kind: 'command' | 'input' | 'session',
    outcome: 'denied' | 'rate-limited',
    error: BackendError,
    context: ExecutionContext,
  ): void {
    const durationMs = Math.max(0, Date.now() - startedAt);
    this.log.recordAll(
      commands.map(({ command, reason, kind: own = kind }) =>
        this.recordOf(
          {
            startedAt,
            sessionId: request.sessionId,
            ...(request.paneId === undefined ? {} : { paneId: request.paneId }),
            ...(own === 'command' ? {} : { kind: own }),
            command,
            outcome,
            exitCode: null,
            durationMs,
            errorCode: error.code,
            reason: reason ?? error.message,
          },
          context,
        ),
      ),
    );
  }

  private write(entry: AuditEntry, context: ExecutionContext | undefined): void {
    this.log.record(this.recordOf(entry, context));
  }

  private recordOf(entry: AuditEntry, context: ExecutionContext | undefined): AuditRecord {
    const ctx = contextOf(context);
    // Keys in reading order: JSON lines keep it, and a person scans them left to right.
    const record: AuditRecord = {
      time: isoTime(entry.startedAt),
      backendId: this.idOf(),
      backendType: this.typeOf(),
      ...(typeof ctx.requestId === 'string' ? { requestId: ctx.requestId } : {}),
      ...(typeof ctx.userId === 'string' ? { userId: ctx.userId } : {}),
      ...(typeof ctx.source === 'string' ? { source: ctx.source } : {}),
      sessionId: entry.sessionId,
      ...(entry.paneId === undefined ? {} : { paneId: entry.paneId }),
      ...(entry.commandId === undefined ? {} : { commandId: entry.commandId }),
      ...(entry.kind === undefined ? {} : { kind: entry.kind }),
      command: entry.command,
      outcome: entry.outcome,
      exitCode: entry.exitCode,
      durationMs: entry.durationMs,
      ...(entry.errorCode === undefined ? {} : { errorCode: entry.errorCode }),
      ...(entry.reason === undefined ? {} : { reason: entry.reason }),
    };
    return record;
  }

  /** Writes every pending record and closes the sink. */
  close(): Promise<void> {
    return this.log.close();
  }
}

/** A context that is not an object (the backend will refuse it) still must not break the guard. */
export function contextOf(context: unknown): ExecutionContext {
  return typeof context === 'object' && context !== null ? (context as ExecutionContext) : NO_CONTEXT;
}

function isoTime(ms: number): string {
  const date = new Date(Number.isFinite(ms) ? ms : Date.now());
  return Number.isNaN(date.getTime()) ? new Date().toISOString() : date.toISOString();
}
