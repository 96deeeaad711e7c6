import {
  BackendError,
  fail,
  ok,
  type BackendResult,
  type CommandExecution,
  type ExecutionContext,
} from '@vth/core';
import { AuditLog } from './audit-log';
import {
  evaluatePolicy,
  withVerdict,
  type CommandPolicy,
  type ConfirmHandler,
  type PolicyOutcome,
} from './command-policy';
import { contextOf, GuardAudit, type FailedCommand } from './guard-audit';

export { type FailedCommand } from './guard-audit';
import { InputTracker } from './input-tracker';
import { REDACTED } from './secret-value';
import { messageOf } from './error-message';
import { RateLimiter } from './rate-limiter';
import {
  type CommandGuardOptions,
  type GuardBatchRequest,
  type GuardInputRequest,
  type GuardRequest,
  type GuardSessionRequest,
  type InputAdmission,
} from './command-guard-options';

/** A piece of typed input judged before a call: a completed line, or text a command would run after. */
interface TypedCheck {
  text: string;
  untracked: string | null;
  secret: boolean;
  /** Refused without asking the policy. */
  refuse?: string;
}

const NOTHING_TRACKED: InputAdmission = Object.freeze({
  delivered: () => undefined,
  notDelivered: () => undefined,
});

/** Typed input holding one of these completes a line: the shell may run it. */
const LINE_END = /[\r\n]/;

/** Panes whose typed text is followed at most (least recently used forgotten). */
const MAX_INPUT_PANES = 4096;

const ADMITTED: BackendResult<void> = Object.freeze(ok()) as BackendResult<void>;
const ADMITTED_NOW: Promise<BackendResult<void>> = Promise.resolve(ADMITTED);

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
  private readonly audit: GuardAudit | null;
  private readonly idOf: () => string;
  private readonly typeOf: () => string;
  private readonly untrackedInput: 'confirm' | 'deny' | 'check';
  /** What was typed into each pane and not entered yet; only with a policy to check it against. */
  private readonly inputs: InputTracker | null;

  /**
   * Throws a `RangeError` on a limit out of range (a bucket, `maxInputLineBytes`, an audit size): build
   * a guard from a config with {@link parseSecurityOptions} (which answers `INVALID_CONFIG`) and
   * {@link createCommandGuard} instead.
   */
  constructor(options: CommandGuardOptions) {
    const { backendId, backendType } = options;
    this.idOf = typeof backendId === 'function' ? backendId : () => backendId;
    this.typeOf = typeof backendType === 'function' ? backendType : () => backendType;
    const limiter = options.rateLimit ? new RateLimiter(options.rateLimit) : null;
    this.rateLimiter = limiter?.enabled ? limiter : null;
    this.policy = options.policy ?? null;
    this.confirm = options.confirm;
    this.audit = options.audit ? new GuardAudit(new AuditLog(options.audit), this.idOf, this.typeOf) : null;
    this.untrackedInput = options.untrackedInput ?? 'confirm';
    const maxLine = options.maxInputLineBytes ?? 8192;
    if (!Number.isInteger(maxLine) || maxLine < 1) {
      throw new RangeError(`maxInputLineBytes must be a positive integer, got ${String(maxLine)}`);
    }
    this.inputs = this.policy ? new InputTracker(maxLine, MAX_INPUT_PANES) : null;
    this.active = this.rateLimiter !== null || this.policy !== null || this.audit !== null;
  }

  /** The backend's id as the options give it now (a function is called each time). */
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
   * Puts what `sendInput` text would make the shell run to the policy (`kind: 'input'`): each line it
   * completes, joined with what was typed before it in the pane (`'rm -rf '` then `'/\n'` is checked as
   * `rm -rf /`) and with the earlier lines of a command left open (a quote, a heredoc); backspace, Ctrl-U,
   * Ctrl-W, Ctrl-C and Ctrl-D edit the line as a terminal would. One refused line refuses the call:
   * nothing of it is delivered. Text without a line end is not checked yet (it runs nothing); a command
   * sent while it waits is checked with it. Rate limited first (see {@link limitInput}), and audited only
   * when refused (masked after a command that reads a password). Call `delivered()` on the answer once the
   * keys reached the session.
   */
  checkInput(request: GuardInputRequest): Promise<BackendResult<InputAdmission>> {
    if (!this.inputs && !this.rateLimiter) return Promise.resolve(ok(NOTHING_TRACKED));
    return this.limitInput(request).then((limited) => {
      if (!limited.ok) return limited;
      if (!this.inputs) return ok(NOTHING_TRACKED);
      const plan = this.inputs.plan(request.sessionId, request.paneId, request.data);
      return closed(this.admitAll([], request, 'input', plan.checks)).then((r) => {
        if (!r.ok) return r;
        let undo: (() => void) | null = null;
        return ok({ delivered: () => void (undo ??= plan.commit()), notDelivered: () => undo?.() });
      });
    });
  }

  /**
   * Rate limits typed input as commands are: a `sendInput` call that completes a line (it holds a CR or
   * LF) takes one token from the session's bucket, its owner's (see {@link sessionOpened}; anonymous when
   * unknown) and the global one, since an idle shell runs what it is typed. Text without a line end costs
   * nothing. Refused: `RATE_LIMITED`, undispatched, audited with `kind: 'input'` and an empty command (the
   * keys may answer a password prompt).
   */
  limitInput(request: GuardInputRequest): Promise<BackendResult<void>> {
    if (!this.rateLimiter || !LINE_END.test(request.data)) return ADMITTED_NOW;
    return closed(
      (async () => {
        const startedAt = Date.now();
        const limited = this.rateLimiter!.checkInput(request.sessionId);
        return this.rateLimited(limited, startedAt, request, 'input', contextOf(request.context));
      })(),
    );
  }

  /** {@link checkInput}, taking the keys as delivered when allowed (for a backend that cannot tell). */
  async admitInput(request: GuardInputRequest): Promise<BackendResult<void>> {
    if (!this.inputs && !this.rateLimiter) return ADMITTED;
    const admitted = await this.checkInput(request);
    if (!admitted.ok) return admitted;
    admitted.value.delivered();
    return ADMITTED;
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
        const session = { sessionId: request.sessionId ?? '' };
        return this.rateLimited(limited, startedAt, session, 'session', context);
      })(),
    );
  }

  /** Remembers who opened a session (`context.userId`): the lines typed into it are charged to them. */
  sessionOpened(sessionId: string, context?: ExecutionContext): void {
    if (!this.rateLimiter) return;
    let userId: unknown;
    try {
      userId = contextOf(context).userId;
    } catch {
      // A context whose getter throws names nobody: the session stays anonymous.
    }
    this.rateLimiter.sessionOpened(sessionId, typeof userId === 'string' ? userId : undefined);
  }

  /** Audits a command that ran, whatever its status. */
  completed(execution: CommandExecution, context?: ExecutionContext): void {
    this.audit?.completed(execution, context);
  }

  /** Audits a dispatched command the backend answered with an error (`outcome: 'error'`). */
  failed(request: FailedCommand, error: BackendError, context?: ExecutionContext): void {
    this.audit?.failed(request, error, context);
  }

  /** Drops a session's rate-limit bucket; call when the session is gone. */
  forgetSession(sessionId: string): void {
    this.rateLimiter?.forgetSession(sessionId);
    this.inputs?.forgetSession(sessionId);
  }

  /** True when `forgetSession` has something to forget. */
  get tracksSessions(): boolean {
    return this.rateLimiter !== null || this.inputs !== null;
  }

  /** Writes every pending audit record and closes the sink. */
  async close(): Promise<void> {
    await this.audit?.close();
  }

  /**
   * Rate limit (commands), then typed input (the lines of a `sendInput`, or what was typed and not entered
   * before a command: it would run with it), then each command.
   */
  private async admitAll(
    commands: readonly string[],
    request: { sessionId: string; paneId?: string; context?: ExecutionContext },
    kind: 'command' | 'input',
    typed: readonly TypedCheck[] = kind === 'command' ? this.typedBefore(request.sessionId) : [],
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
        this.audit?.refused(
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
    for (const check of typed) {
      const outcome: PolicyOutcome = check.refuse
        ? { allowed: false, decision: 'deny', reason: check.refuse }
        : await this.decide(check.text, request, context, 'input', check.untracked);
      if (outcome.allowed) continue;
      const before =
        kind === 'command' ? 'text typed into the session and not entered would run with it: ' : '';
      const error = new BackendError('FORBIDDEN', `command refused by policy: ${before}${outcome.reason}`, {
        dispatched: false,
        backendId: this.backendId,
        details: { reason: outcome.reason, decision: outcome.decision },
      });
      const input = {
        command: check.secret ? REDACTED : check.text,
        reason: outcome.reason,
        kind: 'input' as const,
      };
      const notRun = 'not run: text typed before it was refused';
      const ran = commands.map((command) => ({ command, reason: notRun }));
      this.audit?.refused(startedAt, request, [input, ...ran], kind, 'denied', error, context);
      return fail(error);
    }
    for (let i = 0; i < commands.length; i++) {
      const outcome = await this.decide(commands[i]!, request, context, kind, null);
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
      this.audit?.refused(
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
    // The command's line end consumed what was typed; its password prompt may read the next lines.
    if (kind === 'command') this.inputs?.commandSent(request.sessionId, request.paneId, commands.join('\n'));
    return ADMITTED;
  }

  /**
   * A session opening or typed line the rate limiter answered: refused ones are audited (with an empty
   * command: typed keys may answer a password prompt) and name the backend.
   */
  private rateLimited(
    limited: BackendResult<void>,
    startedAt: number,
    request: { sessionId: string; paneId?: string },
    kind: 'session' | 'input',
    context: ExecutionContext,
  ): BackendResult<void> {
    if (limited.ok) return ADMITTED;
    this.audit?.refused(startedAt, request, [{ command: '' }], kind, 'rate-limited', limited.error, context);
    return fail(limited.error.withBackendId(this.backendId));
  }

  /** What was typed into the session and not entered: a command sent now would run after it. */
  private typedBefore(sessionId: string): TypedCheck[] {
    return (this.inputs?.pendingText(sessionId) ?? []).map((text) => ({
      text,
      untracked: null,
      secret: false,
    }));
  }

  private async decide(
    command: string,
    request: { sessionId: string; paneId?: string },
    context: ExecutionContext,
    kind: 'command' | 'input',
    untracked: string | null,
  ): Promise<PolicyOutcome> {
    const policy =
      untracked === null || this.untrackedInput === 'check'
        ? this.policy!
        : withVerdict(this.policy!, {
            decision: this.untrackedInput,
            reason: `the line was typed with ${untracked}: the guard cannot tell what it runs`,
          });
    try {
      return await evaluatePolicy(
        policy,
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
}

/** Admission that failed in a way nobody foresaw (a backendId function that throws) refuses: fail closed. */
function closed(admission: Promise<BackendResult<void>>): Promise<BackendResult<void>> {
  return admission.catch((e: unknown) =>
    fail('INTERNAL', `the command guard failed: ${messageOf(e)}`, { dispatched: false }),
  );
}
