import {
  BackendError,
  fail,
  ok,
  type BackendErrorCode,
  type BackendResult,
  type CommandExecution,
  type ExecutionContext,
} from '@vth/core';
import {
  AuditLog,
  type AuditErrorHandler,
  type AuditOutcome,
  type AuditRecord,
  type AuditRedactor,
  type AuditSink,
} from './audit-log';
import {
  evaluatePolicy,
  type CommandPolicy,
  type ConfirmHandler,
  type PolicyOutcome,
} from './command-policy';
import { messageOf } from './error-message';
import { RateLimiter, type RateLimiterOptions } from './rate-limiter';

export interface CommandGuardAuditOptions {
  sink: AuditSink;
  /** Default `defaultRedact` (secrets in the command masked); `false` logs commands verbatim. */
  redact?: AuditRedactor | false;
  /** Told about audit failures (a redactor that throws, a sink that fails); default a process warning. */
  onError?: AuditErrorHandler;
  /** Bytes of a command kept in a record; see `AuditLogOptions.maxCommandBytes`. Default 4096. */
  maxCommandBytes?: number;
  /** Repeated refusals within this many ms become one record; see `AuditLogOptions`. Default 5000. */
  coalesceWindowMs?: number;
}

export interface CommandGuardOptions {
  /** Names the backend in audit records and errors; a function when the id is only known later. */
  backendId: string | (() => string);
  backendType: string | (() => string);
  /** Token buckets per session and/or per user. Default: no limit. */
  rateLimit?: RateLimiterOptions;
  /** One record per command. Default: no audit. */
  audit?: CommandGuardAuditOptions;
  /** Decides whether each command may run. Default: every command may. */
  policy?: CommandPolicy;
  /** Asked when the policy answers `confirm`; without it, `confirm` refuses. */
  confirm?: ConfirmHandler;
}

/** A command about to be dispatched. */
export interface GuardRequest {
  command: string;
  sessionId: string;
  paneId?: string;
  context?: ExecutionContext;
}

/** A batch about to be dispatched: admitted whole or refused whole. */
export interface GuardBatchRequest {
  commands: readonly string[];
  sessionId: string;
  paneId?: string;
  context?: ExecutionContext;
}

/** Text about to be typed into a session (`sendInput`). */
export interface GuardInputRequest {
  data: string;
  sessionId: string;
  paneId?: string;
  context?: ExecutionContext;
}

/** A session about to be opened (`createSession`). */
export interface GuardSessionRequest {
  /** The id asked for, when the caller chose one. */
  sessionId?: string;
  context?: ExecutionContext;
}

/** A dispatched command the backend answered with an error. */
export interface FailedCommand {
  command: string;
  sessionId: string;
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

const ADMITTED: BackendResult<void> = Object.freeze(ok()) as BackendResult<void>;
const ADMITTED_NOW: Promise<BackendResult<void>> = Promise.resolve(ADMITTED);
const NO_CONTEXT: ExecutionContext = Object.freeze({});

/**
 * The security controls a backend keeps per instance: rate limits, a command policy and an audit log.
 * A backend calls `admit` before dispatching a command and `completed`/`failed` when it ends; refused
 * commands are audited here and never reach the shell. With nothing configured, `admit` returns an
 * already-resolved result and the audit calls return at once.
 *
 * @example
 * ```ts
 * const guard = new CommandGuard({ backendId: this.id, backendType: 'tmux',
 *   rateLimit: { perUser: { capacity: 20, refillPerSecond: 2 } }, policy, audit: { sink } });
 * const admitted = await guard.admit({ command, sessionId, paneId, context });
 * if (!admitted.ok) return admitted; // RATE_LIMITED or FORBIDDEN, dispatched: false
 * const run = await runner.execute(command, context);
 * if (run.ok) guard.completed(run.value, context);
 * else guard.failed({ command, sessionId, paneId, startedAt }, run.error, context);
 * ```
 */
export class CommandGuard {
  /** False when nothing is configured: a backend may skip the guard altogether. */
  readonly active: boolean;
  /** The rate limiter, when one is configured. */
  readonly rateLimiter: RateLimiter | null;
  private readonly policy: CommandPolicy | null;
  private readonly confirm: ConfirmHandler | undefined;
  private readonly audit: AuditLog | null;
  private readonly idOf: () => string;
  private readonly typeOf: () => string;

  constructor(options: CommandGuardOptions) {
    const { backendId, backendType } = options;
    this.idOf = typeof backendId === 'function' ? backendId : () => backendId;
    this.typeOf = typeof backendType === 'function' ? backendType : () => backendType;
    const limiter = options.rateLimit ? new RateLimiter(options.rateLimit) : null;
    this.rateLimiter = limiter?.enabled ? limiter : null;
    this.policy = options.policy ?? null;
    this.confirm = options.confirm;
    this.audit = options.audit ? new AuditLog(options.audit) : null;
    this.active = this.rateLimiter !== null || this.policy !== null || this.audit !== null;
  }

  get backendId(): string {
    return this.idOf();
  }

  /** True when a policy is configured (so `admitInput` has something to check). */
  get hasPolicy(): boolean {
    return this.policy !== null;
  }

  /**
   * Rate limit first (cheap; it also shields the policy hook from a flood), then the policy. Refused:
   * `RATE_LIMITED` or `FORBIDDEN` with `dispatched: false`, and an audit record. Never rejects.
   */
  admit(request: GuardRequest): Promise<BackendResult<void>> {
    if (!this.rateLimiter && !this.policy) return ADMITTED_NOW;
    return closed(this.admitAll([request.command], request, 'command'));
  }

  /** Admits every command of a batch before any runs: one refusal refuses the batch (each is audited). */
  admitBatch(request: GuardBatchRequest): Promise<BackendResult<void>> {
    if (!this.rateLimiter && !this.policy) return ADMITTED_NOW;
    return closed(this.admitAll(request.commands, request, 'command'));
  }

  /**
   * Puts text for `sendInput` to the policy (`kind: 'input'`): an idle shell runs what it is typed. Not
   * rate limited (answers to a prompt are not commands) and, when allowed, not audited (they may be
   * passwords typed into a prompt).
   */
  admitInput(request: GuardInputRequest): Promise<BackendResult<void>> {
    if (!this.policy) return ADMITTED_NOW;
    return closed(this.admitAll([request.data], request, 'input'));
  }

  /**
   * Rate limits `createSession` per user (`rateLimit.newSessions`; calls without a `userId` share the
   * anonymous bucket), so opening sessions is no way to get fresh per-session buckets. Refused:
   * `RATE_LIMITED`, undispatched, audited with `kind: 'session'` and an empty command.
   */
  admitSession(request: GuardSessionRequest): Promise<BackendResult<void>> {
    if (!this.rateLimiter?.limitsNewSessions) return ADMITTED_NOW;
    return closed(
      (async () => {
        const startedAt = Date.now();
        const context = contextOf(request.context);
        const userId = typeof context.userId === 'string' ? context.userId : undefined;
        const limited = this.rateLimiter!.checkNewSession(userId);
        if (limited.ok) return ADMITTED;
        const session = { sessionId: request.sessionId ?? '' };
        this.refused(
          startedAt,
          session,
          [{ command: '' }],
          'session',
          'rate-limited',
          limited.error,
          context,
        );
        return fail(limited.error.withBackendId(this.backendId));
      })(),
    );
  }

  /** Audits a command that ran, whatever its status. */
  completed(execution: CommandExecution, context?: ExecutionContext): void {
    if (!this.audit) return;
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
    if (!this.audit) return;
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

  /** Drops a session's rate-limit bucket; call when the session is gone. */
  forgetSession(sessionId: string): void {
    this.rateLimiter?.forgetSession(sessionId);
  }

  /** Writes every pending audit record and closes the sink. */
  async close(): Promise<void> {
    await this.audit?.close();
  }

  private async admitAll(
    commands: readonly string[],
    request: { sessionId: string; paneId?: string; context?: ExecutionContext },
    kind: 'command' | 'input',
  ): Promise<BackendResult<void>> {
    const startedAt = Date.now();
    const context = contextOf(request.context);
    if (this.rateLimiter && kind === 'command') {
      const userId = typeof context.userId === 'string' ? context.userId : undefined;
      const limited = this.rateLimiter.check(
        { sessionId: request.sessionId, ...(userId === undefined ? {} : { userId }) },
        commands.length,
      );
      if (!limited.ok) {
        this.refused(
          startedAt,
          request,
          commands.map((command) => ({ command })),
          kind,
          'rate-limited',
          limited.error,
          context,
        );
        return fail(limited.error.withBackendId(this.backendId));
      }
    }
    if (!this.policy) return ADMITTED;
    for (let i = 0; i < commands.length; i++) {
      const outcome = await this.decide(commands[i]!, request, context, kind);
      if (outcome.allowed) continue;
      const batch =
        commands.length > 1 ? ` (command ${i + 1} of ${commands.length} in the batch; none ran)` : '';
      const error = new BackendError('FORBIDDEN', `command refused by policy: ${outcome.reason}${batch}`, {
        dispatched: false,
        backendId: this.backendId,
        details: {
          reason: outcome.reason,
          decision: outcome.decision,
          ...(commands.length > 1 ? { index: i } : {}),
        },
      });
      const notRun = `not run: command ${i + 1} of the batch was refused`;
      this.refused(
        startedAt,
        request,
        commands.map((command, j) => ({ command, reason: j === i ? outcome.reason : notRun })),
        kind,
        'denied',
        error,
        context,
      );
      return fail(error);
    }
    return ADMITTED;
  }

  private async decide(
    command: string,
    request: { sessionId: string; paneId?: string },
    context: ExecutionContext,
    kind: 'command' | 'input',
  ): Promise<PolicyOutcome> {
    try {
      return await evaluatePolicy(
        this.policy!,
        {
          command,
          sessionId: request.sessionId,
          ...(request.paneId === undefined ? {} : { paneId: request.paneId }),
          context,
          backendId: this.backendId,
          kind,
        },
        this.confirm,
      );
    } catch (e) {
      // evaluatePolicy catches the hooks' errors; this is for whatever it did not foresee. Closed, still.
      return { allowed: false, decision: 'deny', reason: `the policy failed: ${messageOf(e)}` };
    }
  }

  /** Audits the commands of one refused call together, so repeats of the call coalesce as a whole. */
  private refused(
    startedAt: number,
    request: { sessionId: string; paneId?: string },
    commands: readonly { command: string; reason?: string }[],
    kind: 'command' | 'input' | 'session',
    outcome: 'denied' | 'rate-limited',
    error: BackendError,
    context: ExecutionContext,
  ): void {
    if (!this.audit) return;
    const durationMs = Math.max(0, Date.now() - startedAt);
    this.audit.recordAll(
      commands.map(({ command, reason }) =>
        this.recordOf(
          {
            startedAt,
            sessionId: request.sessionId,
            ...(request.paneId === undefined ? {} : { paneId: request.paneId }),
            ...(kind === 'command' ? {} : { kind }),
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
    this.audit!.record(this.recordOf(entry, context));
  }

  private recordOf(entry: AuditEntry, context: ExecutionContext | undefined): AuditRecord {
    const ctx = contextOf(context);
    // Keys in reading order: JSON lines keep it, and a person scans them left to right.
    const record: AuditRecord = {
      time: isoTime(entry.startedAt),
      backendId: this.backendId,
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
}

/** Admission that failed in a way nobody foresaw (a backendId function that throws) refuses: fail closed. */
function closed(admission: Promise<BackendResult<void>>): Promise<BackendResult<void>> {
  return admission.catch((e: unknown) =>
    fail('INTERNAL', `the command guard failed: ${messageOf(e)}`, { dispatched: false }),
  );
}

/** A context that is not an object (the backend will refuse it) still must not break the guard. */
function contextOf(context: unknown): ExecutionContext {
  return typeof context === 'object' && context !== null ? (context as ExecutionContext) : NO_CONTEXT;
}

function isoTime(ms: number): string {
  const date = new Date(Number.isFinite(ms) ? ms : Date.now());
  return Number.isNaN(date.getTime()) ? new Date().toISOString() : date.toISOString();
}
