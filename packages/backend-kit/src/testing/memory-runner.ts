import { runInTurn } from '@vth/shell-integration';
import {
  fail,
  ok,
  type BackendResult,
  type CommandExecution,
  type CommandStatus,
  type ExecutionContext,
  type SessionClosedEvent,
} from '@vth/core';
import { type SessionRunner } from '../session-parts';
import { type FakeCommandResult, type FakeShellState } from './fake-shell';
import { MEMORY_PANE, type MemoryFault } from './memory-options';

/** What a memory session's runner needs of its backend: the programmable parts, and where results go. */
export interface MemoryRunnerHost {
  readonly id: string;
  now(): number;
  /** Runs a command line against the session's shell (the backend's programmable handler). */
  handle(command: string, shell: FakeShellState): FakeCommandResult;
  /** The programmed latency of a command, in ms. */
  latency(command: string, sessionId: string): number;
  /** The next injected fault for a command, if any (taken). */
  takeFault(): MemoryFault | null;
  faultResult<T>(fault: MemoryFault, execution?: CommandExecution): BackendResult<T>;
  /** Finishing is held (`hold()`): `finish` runs at `release()`. */
  park(finish: () => void): boolean;
  /** A command started: it is in `ran` from now on. */
  started(info: { commandId: string; command: string; startedAt: number; context: ExecutionContext }): void;
  completed(execution: CommandExecution, outputBytes: number): void;
  /** A command printed `output`. */
  printed(output: string, commandId: string): void;
  /** Data typed into the session. */
  typed(data: string): void;
}

interface Job {
  id: string;
  command: string;
  context: ExecutionContext;
  state: 'queued' | 'running' | 'done';
  /** A dispatched fault from `failNext`: the command runs, then this error is returned. */
  fault: MemoryFault | null;
  startedAt: number;
  latency: number;
  output: string;
  exitCode: number | null;
  /** The handler threw: the command ran (it may have changed the shell) but has no proper outcome. */
  handlerError: unknown;
  timer: ReturnType<typeof setTimeout> | null;
  onAbort: (() => void) | null;
  resolve: (result: BackendResult<CommandExecution>) => void;
}

/**
 * Runs a memory session's commands one at a time, as a shell would: each takes effect when it starts,
 * answers after its programmed latency (or a timeout, an abort, an interrupt), and reports exactly that
 * latency as its duration, so tests of latency-based routing need no timing.
 */
export class MemoryRunner implements SessionRunner {
  closed = false;
  /** The running job first, then the queued ones. */
  private readonly jobs: Job[] = [];
  private commands = 0;

  constructor(
    private readonly host: MemoryRunnerHost,
    private readonly sessionId: string,
    readonly shell: FakeShellState,
  ) {}

  get cwd(): string {
    return this.shell.cwd;
  }

  /** A command has started and not finished. */
  get running(): boolean {
    return this.jobs[0]?.state === 'running';
  }

  execute(
    command: string,
    context: ExecutionContext,
    onCommandId?: (commandId: string) => void,
  ): Promise<BackendResult<CommandExecution>> {
    const fault = this.host.takeFault();
    if (fault && !fault.dispatched) return Promise.resolve(this.host.faultResult(fault));
    return new Promise((resolve) => {
      const job: Job = {
        id: `${this.sessionId}-c${(++this.commands).toString(36)}`,
        command,
        context,
        state: 'queued',
        fault,
        startedAt: 0,
        latency: 0,
        output: '',
        exitCode: null,
        handlerError: undefined,
        timer: null,
        onAbort: null,
        resolve,
      };
      onCommandId?.(job.id);
      if (context.signal?.aborted) {
        resolve(ok(this.execution(job, 'interrupted')));
        return;
      }
      this.jobs.push(job);
      if (this.jobs.length === 1) this.start(job);
    });
  }

  executeBatch(commands: string[], context: ExecutionContext): Promise<BackendResult<CommandExecution[]>> {
    return runInTurn(commands, (command) => this.execute(command, context));
  }

  sendInput(data: string): void {
    this.host.typed(data);
  }

  interrupt(): void {
    const running = this.jobs[0];
    if (running?.state === 'running') this.finish(running, 'interrupted');
  }

  /**
   * The session ends. Its running command ends `interrupted` when the session was asked to end, and fails
   * `BACKEND_CRASHED` (dispatched) when it crashed; queued commands fail `SESSION_NOT_FOUND` undispatched.
   */
  close(reason: SessionClosedEvent['reason']): void {
    this.closed = true;
    const [first, ...queued] = this.jobs.splice(0);
    if (first?.state === 'running') {
      if (reason === 'crashed') {
        this.settle(first);
        const execution = this.execution(first, 'lost');
        this.host.completed(execution, 0);
        first.resolve(
          fail('BACKEND_CRASHED', `command ${first.id} was lost: backend ${this.host.id} crashed`, {
            dispatched: true,
            backendId: this.host.id,
            details: { execution },
          }),
        );
      } else {
        // `finish` shifts the queue: give it a queue of one, already detached.
        this.jobs.push(first);
        this.finish(first, 'interrupted');
      }
    }
    for (const job of queued) {
      job.state = 'done';
      job.resolve(
        fail('SESSION_NOT_FOUND', `session ${this.sessionId} ended (${reason}) before the command ran`, {
          dispatched: false,
          backendId: this.host.id,
        }),
      );
    }
  }

  private start(job: Job): void {
    job.state = 'running';
    job.startedAt = this.host.now();
    this.host.started({
      commandId: job.id,
      command: job.command,
      startedAt: job.startedAt,
      context: job.context,
    });
    // The command takes effect when it starts, as in a shell: a crash while it runs leaves its effects.
    try {
      const result = this.host.handle(job.command, this.shell);
      job.output = result.output ?? '';
      job.exitCode = result.exitCode === undefined ? 0 : result.exitCode;
      if (job.exitCode !== null) this.shell.lastExitCode = job.exitCode;
    } catch (e) {
      job.handlerError = e;
    }
    job.latency = this.host.latency(job.command, this.sessionId);
    const signal = job.context.signal;
    if (signal) {
      job.onAbort = () => this.finish(job, 'interrupted');
      signal.addEventListener('abort', job.onAbort, { once: true });
    }
    const timeout = job.context.timeoutMs;
    const timesOut = timeout !== undefined && job.latency > timeout;
    const wait = timesOut ? timeout : job.latency;
    const done = () => {
      job.timer = null;
      const status = timesOut ? 'timed-out' : 'completed';
      if (job.state !== 'running' || !this.host.park(() => this.finish(job, status))) {
        this.finish(job, status);
      }
    };
    if (wait === 0) void Promise.resolve().then(done);
    else {
      job.timer = setTimeout(done, wait);
      job.timer.unref?.();
    }
  }

  /** Ends the running `job` and starts the next one. Ignores a job already ended. */
  private finish(job: Job, status: CommandStatus): void {
    if (job.state !== 'running') return;
    this.settle(job);
    if (job.handlerError !== undefined) {
      job.resolve(
        fail('INTERNAL', `the fake command handler threw: ${String(job.handlerError)}`, {
          dispatched: true,
          backendId: this.host.id,
          cause: job.handlerError,
        }),
      );
    } else {
      const execution = this.execution(job, status);
      if (execution.output !== '') {
        this.host.printed(execution.output, job.id);
        try {
          job.context.onOutput?.(execution.output);
        } catch {
          // The caller's callback: its failure is not the command's.
        }
      }
      this.host.completed(execution, Buffer.byteLength(execution.output));
      job.resolve(job.fault ? this.host.faultResult(job.fault, execution) : ok(execution));
    }
    this.jobs.shift();
    const next = this.jobs[0];
    if (next && !this.closed) this.start(next);
  }

  private execution(job: Job, status: CommandStatus): CommandExecution {
    const completed = status === 'completed';
    const startedAt = job.startedAt || this.host.now();
    return {
      id: job.id,
      sessionId: this.sessionId,
      paneId: MEMORY_PANE,
      command: job.command,
      status,
      exitCode: completed ? job.exitCode : null,
      output: completed ? job.output : '',
      truncatedBytes: 0,
      cwd: this.shell.cwd,
      startedAt,
      // The programmed latency, not wall time, so tests of latency-based routing are exact.
      durationMs:
        status === 'timed-out'
          ? (job.context.timeoutMs ?? 0)
          : completed
            ? job.latency
            : Math.max(0, this.host.now() - startedAt),
      backendId: this.host.id,
    };
  }

  /** Stops a job's timer and abort listener. */
  private settle(job: Job): void {
    job.state = 'done';
    if (job.timer) clearTimeout(job.timer);
    job.timer = null;
    if (job.onAbort) job.context.signal?.removeEventListener('abort', job.onAbort);
    job.onAbort = null;
  }
}
