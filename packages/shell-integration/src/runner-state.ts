import {
  BackendError,
  fail,
  ok,
  type BackendResult,
  type CommandExecution,
  type CommandStatus,
  type ExecutionContext,
} from '@vth/core';
import { parseExecutionContext } from '@vth/core/kit';
import { advanceBatchLine, dropBatchLine } from './batch-line';
import { CommandJob } from './command-job';
import { type ShellCommandRunnerOptions } from './command-runner-options';
import { Escalation } from './escalation';
import { onShellEvent } from './mark-events';
import { MarkParser, type ShellEvent } from './mark-parser';
import { randomHex } from './random-token';
import { ShellArming } from './shell-arming';

/** Where the shell is, as far as the runner knows; each mark means something different in each phase. */
export type Phase =
  | 'booting' // waiting for the first prompt mark
  | 'idle'
  | 'dispatched' // command text written, start mark not seen yet
  | 'running' // start mark seen: output belongs to the command
  | 'incomplete' // the shell answered that the text is incomplete; waiting for its prompt to type it raw
  | 'raw' // typed raw: output belongs to the command until the prompt mark
  | 'wedged' // a command was abandoned and the shell has not shown a prompt since
  | 'rearming' // a shell that replaced ours (`exec bash`) is being given fresh hooks
  | 'exiting' // the shell reported its exit (EXIT trap); its transport will close
  | 'closed';

/** The terminal's kill key (VKILL, Ctrl-U): erases the line typed so far. */
const KILL_LINE = '\x15';

/**
 * The state of one `ShellCommandRunner` and the moves every part of it makes: the shell's phase, the job
 * that holds the shell and those that wait, typing the next job and settling one. Internal: the runner's
 * parts share it (`mark-events`, `escalation`, `shell-arming`, `batch-line`, `input-hold`, `shell-end`);
 * users see `ShellCommandRunner`. Fields are plain so that the event path reads them directly.
 */
export class RunnerState {
  readonly nonce: string;
  readonly parser: MarkParser;
  readonly escalation: Escalation;
  readonly arming: ShellArming;
  phase: Phase = 'booting';
  current: CommandJob | null = null;
  readonly queue: CommandJob[] = [];
  /** Keys sent (`sendInput`) while the shell was still being armed, with no command to hold them. */
  readonly inputBeforeReady: string[] = [];
  /** Jobs of the batch line being run, after `current`: already typed, not started yet. */
  groupRest: CommandJob[] = [];
  lastCwd: string | undefined;
  wedgedBy: CommandJob | undefined;
  readyWaiters: Array<(r: BackendResult<void>) => void> = [];
  closedError: BackendError | null = null;
  readonly handleEvent = (event: ShellEvent) => onShellEvent(this, event);
  /** The shell's last mark said it is exiting while no command of ours had started: nothing ran since. */
  exitedIdle = false;
  /** `set -x` is on in the shell, as its last end or prompt mark said: the lines typed must allow for it. */
  tracing = false;

  constructor(readonly opts: ShellCommandRunnerOptions) {
    this.nonce = opts.nonce ?? randomHex(12);
    if (!/^[A-Za-z0-9]{4,64}$/.test(this.nonce)) throw new TypeError('nonce must be 4-64 letters and digits');
    this.parser = new MarkParser(this.nonce);
    this.escalation = new Escalation(this);
    this.arming = new ShellArming(this);
  }

  /**
   * The context as a frozen copy with a signal of vth's own (free for a copy a backend already made): a
   * caller's getters and AbortSignal methods run once, here, and never again inside the runner.
   */
  context(context: ExecutionContext | undefined): BackendResult<ExecutionContext> {
    const parsed = parseExecutionContext(context);
    if (!parsed.ok && parsed.error.backendId === undefined) {
      return fail(
        new BackendError(parsed.error.code, parsed.error.message, {
          dispatched: false,
          backendId: this.opts.backendId,
        }),
      );
    }
    return parsed;
  }

  /** Why no command can be accepted now, if so. */
  refuse(): BackendResult<never> | null {
    if (this.phase === 'closed') return fail(this.closedError ?? this.gone());
    if (this.phase === 'exiting') {
      return fail('SESSION_NOT_FOUND', `session ${this.opts.sessionId} is ending: its shell exited`, {
        dispatched: false,
        backendId: this.opts.backendId,
      });
    }
    if (this.phase === 'wedged' && !this.current) {
      return fail(
        'BUSY',
        `the shell has not returned to its prompt since command ${this.wedgedBy?.id} was abandoned; ` +
          'call interrupt() or destroy the session',
        { dispatched: false, backendId: this.opts.backendId },
      );
    }
    return null;
  }

  makeJob(
    command: string,
    context: ExecutionContext,
    resolve: (result: BackendResult<CommandExecution>) => void,
  ): CommandJob {
    return new CommandJob(command, context, this.opts, this.escalation, resolve);
  }

  /** Writes to the shell unless it is gone (a write to a closed terminal is an error in most transports). */
  write(data: string): void {
    if (this.phase === 'closed') return;
    try {
      this.opts.transport.write(data);
    } catch {
      // The transport reports the end of the shell through close(); nothing to add here.
    }
  }

  gone(): BackendError {
    return new BackendError('SESSION_NOT_FOUND', `session ${this.opts.sessionId} has ended`, {
      dispatched: false,
      backendId: this.opts.backendId,
    });
  }

  settleReady(result: BackendResult<void>): void {
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of waiters) w(result);
  }

  /** Types the next queued job when the shell is idle. */
  pump(): void {
    if (this.phase !== 'idle' || this.current || this.queue.length === 0) return;
    const job = this.queue.shift()!;
    this.current = job;
    this.phase = 'dispatched';
    job.startedAt = Date.now();
    job.startedHr = performance.now();
    job.resetIdleTimer();
    this.opts.onCommandStarted?.({
      commandId: job.id,
      command: job.command,
      startedAt: job.startedAt,
      context: job.context,
    });
    // Ctrl-U first: text typed at the prompt without a newline (sendInput) is discarded, as a terminal's
    // kill key does, instead of running glued to the front of the command's line.
    if (job.batch) {
      this.groupRest = job.batch.rest;
      this.write(KILL_LINE + job.batch.text);
    } else {
      this.write(KILL_LINE + this.opts.dialect.command(job.wireId, job.command, { tracing: this.tracing }));
    }
  }

  /**
   * Settles a job. `byEndMark`: it printed its own end mark, so the next command of its batch line follows;
   * otherwise (prompt, Ctrl-C, exit) the rest of the line will not run.
   */
  finish(
    job: CommandJob,
    exitCode: number | null,
    cwd: string | undefined,
    status?: CommandStatus,
    byEndMark = false,
  ): void {
    if (this.current === job) {
      this.current = null;
      if (this.phase !== 'closed' && this.phase !== 'exiting') this.phase = 'idle';
    }
    const execution = this.snapshot(job, exitCode, cwd, status ?? job.endReason ?? 'completed');
    this.settle(job, ok(execution), execution);
    if (this.groupRest.length > 0 && this.current === null) {
      if (byEndMark && this.phase === 'idle') advanceBatchLine(this);
      else dropBatchLine(this, 'interrupted');
    }
    this.pump();
  }

  snapshot(
    job: CommandJob,
    exitCode: number | null,
    cwd: string | undefined,
    status: CommandStatus,
  ): CommandExecution {
    return job.snapshot(this.opts, exitCode, cwd, status, this.lastCwd);
  }

  unstarted(job: CommandJob, status: CommandStatus): CommandExecution {
    return this.snapshot(job, null, undefined, status);
  }

  settle(job: CommandJob, result: BackendResult<CommandExecution>, execution?: CommandExecution): void {
    job.settle(result, execution, this.opts.onCommandCompleted);
  }

  /** The abandoned command finally ended (its end mark or a prompt showed): the shell takes commands again. */
  unwedge(): void {
    this.phase = 'idle';
    this.wedgedBy = undefined;
    this.pump();
  }
}
