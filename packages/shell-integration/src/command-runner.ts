import { StringDecoder } from 'node:string_decoder';
import {
  BackendError,
  BoundedOutputBuffer,
  fail,
  ok,
  parseExecutionContext,
  type BackendResult,
  type CommandExecution,
  type CommandStatus,
  type ExecutionContext,
} from '@vth/core';
import { batchFailure, runInTurn } from './batch-outcome';
import { MarkParser, type ShellEvent } from './mark-parser';
import { OnlcrDecoder } from './onlcr-decoder';
import { randomHex, randomToken } from './random-token';
import { type ShellDialect } from './shell-dialect';

/** How the runner reaches the shell: a pty, a tmux pane, a container's attached stream... */
export interface ShellTransport {
  /** Writes to the shell's terminal, as typed keys. */
  write(data: string): void;
  /**
   * Signals the terminal's foreground process group when it is not the shell itself: the escalation
   * when Ctrl-C does not end a command. Returns false when there was nothing to signal. Optional: without
   * it, escalation stops at Ctrl-C.
   */
  signalForeground?(signal: ForegroundSignal): boolean | Promise<boolean>;
  /**
   * Is the shell process itself the terminal's foreground (no job of its own holds the terminal), so that
   * only the shell reads what is typed next? The runner asks before it types a fresh secret into a shell
   * that replaced vth's (`exec bash`). Optional: without it such a shell is never re-armed.
   */
  shellInForeground?(): boolean | Promise<boolean>;
  /**
   * Ends the shell: the runner found that it no longer answers vth's marks (it was replaced by `exec`, or
   * its hooks were removed) even after an interrupt and a probe. The backend kills the session's processes
   * and reports the session closed (its transport then calls `close`). Optional: without it the runner
   * answers `BUSY` until the shell shows a mark again.
   */
  terminate?(reason: string): void;
}

export interface ShellCommandRunnerOptions {
  transport: ShellTransport;
  dialect: ShellDialect;
  sessionId: string;
  paneId: string;
  backendId: string;
  /** Per-session secret carried by every mark (4-64 letters and digits); random (96 bits) by default. */
  nonce?: string;
  /** Output kept per command when the context sets no `maxOutputBytes`. Default 16 MiB. */
  maxOutputBytes?: number;
  /** After Ctrl-C, how long a command gets to end before SIGTERM. Default 1000 ms. */
  interruptGraceMs?: number;
  /** After SIGTERM (and again after SIGKILL), how long to wait. Default 1000 ms. */
  killGraceMs?: number;
  /**
   * The terminal keeps ONLCR (something renders it, e.g. a tmux pane): the bootstrap leaves it on and command
   * output is translated back to exactly what the program wrote. Default false (ONLCR turned off).
   */
  onlcr?: boolean;
  /** See `BootstrapOptions.exitLingerMs`: for terminals that drop a dying shell's last output. */
  exitLingerMs?: number;
  /** Every byte the shell prints that is not a mark, with the command it belongs to (if any). */
  onOutput?: (data: Buffer, commandId: string | undefined) => void;
  onCommandStarted?: (info: {
    commandId: string;
    command: string;
    startedAt: number;
    context: ExecutionContext;
  }) => void;
  onCommandCompleted?: (execution: CommandExecution, outputBytes: number) => void;
}

export type ForegroundSignal = 'SIGINT' | 'SIGTERM' | 'SIGKILL';

/** Why a shell went away, as far as its transport knows. */
export interface ShellExit {
  exitCode: number | null;
  signal?: number | string | null;
  /** Words for the error message: "the tmux server was killed", ... */
  reason?: string;
  /**
   * The session was ended on purpose (destroySession, shutdown): a running command ends `interrupted`
   * instead of `lost`.
   */
  intentional?: boolean;
}

type Phase =
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

interface Job {
  /** Public id: the id in marks, random (72 bits), so no process in the session can predict it. */
  id: string;
  wireId: string;
  command: string;
  context: ExecutionContext;
  calledAt: number;
  startedAt: number;
  startedHr: number;
  output: BoundedOutputBuffer;
  decoder: StringDecoder | null;
  onlcr: OnlcrDecoder | null;
  endReason: Exclude<CommandStatus, 'completed' | 'lost'> | null;
  escalating: boolean;
  timers: NodeJS.Timeout[];
  idleTimer: NodeJS.Timeout | null;
  /** The shell printed its start mark (or it was typed raw): the command's text has run or is running. */
  started: boolean;
  /** Output that arrived while a re-arm request was answered: the command's only if it ends on its own. */
  heldDuringRearm: Buffer[];
  /** sendInput data that arrived before the command started reading; see sendInput. */
  pendingInput: string[];
  abortListener: (() => void) | null;
  /** First job of a batch sent as one line: the line, and the jobs after this one. */
  batch: { text: string; rest: Job[] } | null;
  resolve: (result: BackendResult<CommandExecution>) => void;
}

const DEFAULT_MAX_OUTPUT = 16 * 1024 * 1024;

/** The terminal's kill key (VKILL, Ctrl-U): erases the line typed so far. */
const KILL_LINE = '\x15';

/**
 * Runs commands one at a time in an interactive shell it reaches through a `ShellTransport`, using the
 * marks of a `ShellDialect`: the piece every interactive backend (node-pty, tmux, containers) shares.
 *
 * Commands sent while one runs wait in a FIFO queue (as keys typed ahead in a terminal would); a
 * command's `timeoutMs` counts from the call, queue time included, so a caller's deadline holds.
 *
 * @example
 * ```ts
 * const runner = new ShellCommandRunner({ transport: { write: (d) => pty.write(d) }, dialect: bashDialect,
 *   sessionId: 's1', paneId: '0', backendId: 'pty-1' });
 * pty.onData((chunk) => runner.feed(chunk));
 * pty.write(runner.bootstrapText());
 * await runner.ready(5000);
 * const result = await runner.execute('ls -la', { timeoutMs: 10_000 });
 * ```
 */
export class ShellCommandRunner {
  private nonce: string;
  private readonly opts: ShellCommandRunnerOptions;
  private readonly parser: MarkParser;
  private phase: Phase = 'booting';
  private current: Job | null = null;
  private readonly queue: Job[] = [];
  /** Jobs of the batch line being run, after `current`: already typed, not started yet. */
  private groupRest: Job[] = [];
  private lastCwd: string | undefined;
  private wedgedBy: Job | undefined;
  private readyWaiters: Array<(r: BackendResult<void>) => void> = [];
  private closedError: BackendError | null = null;
  private readonly handleEvent = (event: ShellEvent) => this.onEvent(event);
  /** The shell's last mark said it is exiting while no command of ours had started: nothing ran since. */
  private exitedIdle = false;
  /** `set -x` is on in the shell, as its last end or prompt mark said: the lines typed must allow for it. */
  private tracing = false;
  /** `interrupt()` is bringing back a wedged shell (see `recover`). */
  private recovering = false;
  private readonly recoveryTimers = new Set<ReturnType<typeof setTimeout>>();
  /** A `shellInForeground` check for a re-arm request is under way. */
  private checkingRearm = false;
  /** The nonce of the bootstrap to type when the shell reports that echo is off (`quiet` mark). */
  private secretToType: string | null;

  constructor(options: ShellCommandRunnerOptions) {
    this.opts = options;
    this.nonce = options.nonce ?? randomHex(12);
    if (!/^[A-Za-z0-9]{4,64}$/.test(this.nonce)) throw new TypeError('nonce must be 4-64 letters and digits');
    this.parser = new MarkParser(this.nonce);
    this.secretToType = this.nonce;
  }

  /**
   * The text to type into the fresh shell: it turns echo off and says so; the runner then types the
   * bootstrap with the secret itself (through the transport), so the secret is never echoed.
   */
  bootstrapText(): string {
    return this.opts.dialect.quiet(this.bootstrapOptions());
  }

  private bootstrapOptions() {
    return { keepOnlcr: this.opts.onlcr === true, exitLingerMs: this.opts.exitLingerMs ?? 0 };
  }

  /** Resolves once the shell has run the bootstrap and shown its first (silent) prompt. */
  ready(timeoutMs: number): Promise<BackendResult<void>> {
    if (this.phase !== 'booting') {
      return Promise.resolve(this.closedError ? fail(this.closedError) : ok());
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.readyWaiters = this.readyWaiters.filter((w) => w !== settle);
        resolve(
          fail('TIMEOUT', `the shell did not become ready within ${timeoutMs} ms`, { dispatched: false }),
        );
      }, timeoutMs);
      const settle = (r: BackendResult<void>) => {
        clearTimeout(timer);
        resolve(r);
      };
      this.readyWaiters.push(settle);
    });
  }

  /** The working directory the shell last reported. */
  get cwd(): string | undefined {
    return this.lastCwd;
  }

  /** A command is running or waiting. */
  get busy(): boolean {
    return this.current !== null || this.queue.length > 0 || this.groupRest.length > 0;
  }

  get closed(): boolean {
    return this.phase === 'closed';
  }

  /** Feeds raw bytes the shell printed. */
  feed(chunk: Buffer): void {
    this.parser.push(chunk, this.handleEvent);
  }

  /** Runs one command. Never rejects. */
  execute(command: string, callerContext?: ExecutionContext): Promise<BackendResult<CommandExecution>> {
    const parsed = this.context(callerContext);
    if (!parsed.ok) return Promise.resolve(parsed);
    const context = parsed.value;
    const refused = this.refuse();
    if (refused) return Promise.resolve(refused);
    return new Promise((resolve) => {
      const job = this.makeJob(command, context, resolve);
      if (context.signal?.aborted) {
        resolve(ok(this.unstarted(job, 'interrupted')));
        return;
      }
      this.arm(job);
      this.queue.push(job);
      this.pump();
    });
  }

  /**
   * Runs the commands one after another in the same shell; a non-zero exit does not stop the batch. When the
   * dialect can, the whole batch goes to the shell as one line (one write, one round trip; a command reading
   * stdin cannot swallow the next one); otherwise command by command. Each command's `timeoutMs` counts from
   * its own start. An error (the shell died, say) ends the batch: it is returned with the executions so far
   * in `details.executions`; commands a Ctrl-C kept from starting end `interrupted` with no exit code.
   */
  async executeBatch(
    commands: string[],
    callerContext?: ExecutionContext,
  ): Promise<BackendResult<CommandExecution[]>> {
    const parsed = this.context(callerContext);
    if (!parsed.ok) return parsed;
    const context = parsed.value;
    if (commands.length === 0) return ok([]);
    const refused = this.refuse();
    if (refused) return refused;
    const results: Array<Promise<BackendResult<CommandExecution>>> = [];
    const jobs: Job[] = [];
    for (const command of commands) {
      results.push(new Promise((resolve) => jobs.push(this.makeJob(command, context, resolve))));
    }
    const text =
      jobs.length > 1
        ? this.opts.dialect.commandBatch(
            jobs.map((j) => ({ id: j.wireId, command: j.command })),
            { tracing: this.tracing },
          )
        : null;
    if (text === null) return runInTurn(commands, (command) => this.execute(command, context));
    if (context.signal?.aborted) {
      for (const job of jobs) job.resolve(ok(this.unstarted(job, 'interrupted')));
    } else {
      const [first, ...rest] = jobs;
      first!.batch = { text, rest };
      this.arm(first!);
      this.queue.push(first!);
      this.pump();
    }
    const executions: CommandExecution[] = [];
    for (const pending of results) {
      const result = await pending;
      if (!result.ok) return batchFailure(result.error, executions);
      executions.push(result.value);
    }
    return ok(executions);
  }

  /**
   * The context as a frozen copy with a signal of vth's own (free for a copy a backend already made): a
   * caller's getters and AbortSignal methods run once, here, and never again inside the runner.
   */
  private context(context: ExecutionContext | undefined): BackendResult<ExecutionContext> {
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
  private refuse(): BackendResult<never> | null {
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

  private makeJob(
    command: string,
    context: ExecutionContext,
    resolve: (result: BackendResult<CommandExecution>) => void,
  ): Job {
    const wireId = randomToken(9);
    return {
      id: wireId,
      wireId,
      command,
      context,
      calledAt: Date.now(),
      startedAt: 0,
      startedHr: 0,
      output: new BoundedOutputBuffer(
        context.maxOutputBytes ?? this.opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT,
      ),
      decoder: context.onOutput ? new StringDecoder('utf8') : null,
      onlcr: this.opts.onlcr ? new OnlcrDecoder() : null,
      endReason: null,
      escalating: false,
      timers: [],
      idleTimer: null,
      started: false,
      heldDuringRearm: [],
      pendingInput: [],
      abortListener: null,
      batch: null,
      resolve,
    };
  }

  /** Starts the job's timeout and abort watch: at the call, or when a batched job's turn comes. */
  private arm(job: Job): void {
    const { timeoutMs, signal } = job.context;
    if (timeoutMs !== undefined) job.timers.push(setTimeout(() => this.stop(job, 'timed-out'), timeoutMs));
    if (signal) {
      const listener = () => this.stop(job, 'interrupted');
      signal.addEventListener('abort', listener, { once: true });
      job.abortListener = listener;
    }
  }

  /**
   * Ctrl-C to the running command, escalating to SIGTERM and SIGKILL of its process group. When the runner
   * is waiting for an abandoned command's shell to come back, the same escalation ends whatever still holds
   * the terminal, and a line that makes the shell show a prompt mark brings it back. With nothing running it
   * does nothing.
   */
  interrupt(): void {
    if (this.phase === 'closed') return;
    if (this.current) {
      this.stop(this.current, 'interrupted');
      return;
    }
    if (this.phase === 'wedged') void this.recover();
    // Nothing runs: nothing to interrupt. (A Ctrl-C at the prompt would only race with the next command's
    // line and could discard it.)
  }

  /**
   * After `abandon`, when the backend knows the shell is idle at its prompt (its terminal's foreground is the
   * shell itself): a probe line brings the prompt mark that ends the wait, without a Ctrl-C that could hit a
   * command still running.
   */
  resync(): void {
    if (this.phase === 'wedged') this.write(this.opts.dialect.probe(randomToken(9)));
  }

  /**
   * The backend is about to end the shell on purpose (destroySession, shutdown): whatever is running then
   * ends `interrupted`, with the status the shell reports if it reports one.
   */
  markClosing(): void {
    for (const job of [this.current, ...this.groupRest])
      if (job && !job.endReason) job.endReason = 'interrupted';
  }

  /**
   * The connection to the shell was lost while the shell may live on (a tmux control client that died and
   * was restarted): what the running command printed meanwhile is gone, so its outcome is unknown. It fails
   * `BACKEND_CRASHED` with `dispatched: true` and its partial output, as do the commands of its batch line;
   * queued commands wait. The runner answers `BUSY` until the shell shows a mark again (`interrupt()` asks
   * it to).
   */
  abandon(reason: string): void {
    if (this.phase === 'closed' || this.phase === 'booting') return;
    const line = this.current ? [this.current, ...this.groupRest.splice(0)] : [];
    this.current = null;
    for (const job of line) {
      const execution = this.snapshot(job, null, undefined, 'lost');
      this.settle(
        job,
        fail('BACKEND_CRASHED', `command ${job.id}: ${reason}; it may or may not have run`, {
          dispatched: true,
          backendId: this.opts.backendId,
          details: { execution },
        }),
        execution,
      );
    }
    this.wedgedBy = line[line.length - 1] ?? this.wedgedBy;
    this.phase = 'wedged';
  }

  /**
   * Raw keys for whatever reads the terminal (a command's stdin, an open heredoc...). Keys for a command
   * that has not started yet wait until it has: if its text turns out incomplete, they must follow the text
   * typed raw, not reach the shell first as a command line.
   */
  sendInput(data: string): void {
    if (this.current && (this.phase === 'dispatched' || this.phase === 'incomplete')) {
      this.current.pendingInput.push(data);
      return;
    }
    // A command waiting its turn (the shell is still starting, or another command runs): the keys are for it.
    const next = this.current ? undefined : this.queue[0];
    if (next) {
      next.pendingInput.push(data);
      return;
    }
    this.write(data);
  }

  /** The command now reads the terminal: hand it the keys sent while it was starting. */
  private flushPendingInput(job: Job): void {
    if (job.pendingInput.length === 0) return;
    const data = job.pendingInput.join('');
    job.pendingInput = [];
    this.write(data);
  }

  /**
   * The shell is gone. A running command ends `lost` with `BACKEND_CRASHED` (dispatched: it may have run),
   * unless the shell exited normally, which is how `exit 3` ends: then it completed with that code.
   * Queued commands fail undispatched, so a caller may run them elsewhere.
   */
  close(exit: ShellExit): void {
    if (this.phase === 'closed') return;
    for (const t of this.recoveryTimers) clearTimeout(t);
    this.parser.flush(this.handleEvent);
    const why =
      exit.reason ??
      (exit.signal
        ? `the shell was killed by signal ${exit.signal}`
        : `the shell exited with code ${exit.exitCode}`);
    const wasBooting = this.phase === 'booting';
    // Jobs typed but not started (the rest of a batch line) and queued jobs never ran.
    const unstarted = [...this.groupRest.splice(0), ...this.queue.splice(0)];
    this.phase = 'closed';
    this.closedError = new BackendError(
      'SESSION_NOT_FOUND',
      `session ${this.opts.sessionId} has ended: ${why}`,
      {
        dispatched: false,
        backendId: this.opts.backendId,
      },
    );
    if (wasBooting) this.settleReady(fail('UNAVAILABLE', `the shell ended before it was ready: ${why}`));
    const job = this.current;
    this.current = null;
    if (job) {
      if (exit.intentional) {
        this.finish(job, null, undefined, 'interrupted');
      } else if (!job.started && this.exitedIdle) {
        // The shell said it was exiting before the command started (Ctrl-D at the prompt): it never ran.
        unstarted.unshift(job);
      } else if (job.started && !exit.signal && exit.exitCode !== null) {
        // The command ended the shell (`exit 3`) and its exit mark was lost on the way: the shell's status.
        this.finish(job, exit.exitCode, undefined);
      } else {
        const execution = this.snapshot(job, null, undefined, 'lost');
        this.settle(
          job,
          fail('BACKEND_CRASHED', `command ${job.id} was lost: ${why}`, {
            dispatched: true,
            backendId: this.opts.backendId,
            details: { execution },
          }),
          execution,
        );
      }
    }
    for (const queued of unstarted) {
      this.settle(
        queued,
        fail('SESSION_NOT_FOUND', `session ${this.opts.sessionId} ended before the command ran: ${why}`, {
          dispatched: false,
          backendId: this.opts.backendId,
        }),
      );
    }
  }

  /** Writes to the shell unless it is gone (a write to a closed terminal is an error in most transports). */
  private write(data: string): void {
    if (this.phase === 'closed') return;
    try {
      this.opts.transport.write(data);
    } catch {
      // The transport reports the end of the shell through close(); nothing to add here.
    }
  }

  private gone(): BackendError {
    return new BackendError('SESSION_NOT_FOUND', `session ${this.opts.sessionId} has ended`, {
      dispatched: false,
      backendId: this.opts.backendId,
    });
  }

  private settleReady(result: BackendResult<void>): void {
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of waiters) w(result);
  }

  private pump(): void {
    if (this.phase !== 'idle' || this.current || this.queue.length === 0) return;
    const job = this.queue.shift()!;
    this.current = job;
    this.phase = 'dispatched';
    job.startedAt = Date.now();
    job.startedHr = performance.now();
    this.resetIdleTimer(job);
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

  /** The next command of the batch line takes the turn; the shell is already on its way to it. */
  private advanceGroup(): void {
    const next = this.groupRest.shift()!;
    this.current = next;
    this.phase = 'dispatched';
    next.startedAt = Date.now();
    next.startedHr = performance.now();
    this.opts.onCommandStarted?.({
      commandId: next.id,
      command: next.command,
      startedAt: next.startedAt,
      context: next.context,
    });
    if (next.context.signal?.aborted) {
      this.stop(next, 'interrupted');
      return;
    }
    this.arm(next);
    this.resetIdleTimer(next);
  }

  /** The rest of a batch line will not run (Ctrl-C or the shell's end cut the line short). */
  private dropGroup(status: CommandStatus): void {
    for (const job of this.groupRest.splice(0)) this.settle(job, ok(this.unstarted(job, status)));
  }

  private onEvent(event: ShellEvent): void {
    const job = this.current;
    switch (event.type) {
      case 'output': {
        const mine = job !== null && (this.phase === 'running' || this.phase === 'raw');
        // What a shell prints while it is being armed is vth's own (its bootstrap's echo): nobody's output.
        if (this.phase !== 'booting' && this.phase !== 'rearming')
          this.opts.onOutput?.(event.data, mine ? job.id : undefined);
        if (mine) this.collect(job, event.data);
        else if (job && this.phase === 'rearming') job.heldDuringRearm.push(event.data);
        return;
      }
      case 'start':
        if (job && job.wireId === event.id && (this.phase === 'dispatched' || this.phase === 'raw')) {
          this.phase = 'running';
          job.started = true;
          this.flushPendingInput(job);
        }
        return;
      case 'incomplete':
        if (job && job.wireId === event.id && this.phase === 'dispatched') {
          job.output.clear();
          this.phase = 'incomplete';
        }
        return;
      case 'end':
        if (event.cwd !== undefined) this.lastCwd = event.cwd;
        this.tracing = event.tracing;
        if (job && job.wireId === event.id && (this.phase === 'running' || this.phase === 'rearming')) {
          this.releaseHeld(job);
          this.finish(job, event.exitCode, event.cwd, undefined, true);
        } else if (this.phase === 'wedged' && event.id === this.wedgedBy?.wireId) this.unwedge();
        return;
      case 'prompt':
        this.onPrompt(event);
        return;
      case 'exit':
        // `exit 3`, or a failure under `set -e`: the command ends with the shell's exit status. An exit mark
        // while no command of ours has started (Ctrl-D at the prompt, say) completes nothing: the command
        // typed meanwhile never ran, which `close` reports. One for another id while ours runs is not ours.
        if (job?.started && this.phase !== 'incomplete') {
          if (event.id !== job.wireId) return;
          this.releaseHeld(job);
          this.finish(job, event.exitCode, undefined);
        } else {
          this.exitedIdle = true;
        }
        // Nothing more can run in this shell; queued commands fail undispatched when the transport closes.
        this.phase = 'exiting';
        return;
      case 'rearm-request':
        this.onRearmRequest();
        return;
      case 'quiet':
        // Echo is off: the bootstrap (the secret) can be typed. Once per boot or re-arm: a second quiet
        // mark (anyone can print one) changes nothing.
        if (this.secretToType !== null && (this.phase === 'booting' || this.phase === 'rearming')) {
          const nonce = this.secretToType;
          this.secretToType = null;
          if (nonce !== this.nonce) this.parser.expect(nonce);
          this.write(this.opts.dialect.bootstrap(nonce, this.bootstrapOptions()));
        }
        return;
      case 'rearmed':
        // The fresh hooks answered: the shell that replaced ours (`exec bash`) is ours now. What it printed
        // since the request was our bootstrap's echo, not the command's.
        if (job && this.phase === 'rearming') {
          job.heldDuringRearm = [];
          this.finish(job, null, undefined);
        }
        return;
    }
  }

  /** Adds bytes to the running command's output. */
  private collect(job: Job, bytes: Buffer): void {
    const data = job.onlcr ? job.onlcr.push(bytes) : bytes;
    job.output.append(data);
    if (job.decoder) {
      const text = job.decoder.write(data);
      if (text) this.callOnOutput(job, text);
    }
    this.resetIdleTimer(job);
  }

  /**
   * A re-arm request turned out not to come from a replaced shell (the command ended with its own mark):
   * the output held back meanwhile is the command's.
   */
  private releaseHeld(job: Job): void {
    if (job.heldDuringRearm.length === 0) return;
    const held = job.heldDuringRearm;
    job.heldDuringRearm = [];
    for (const bytes of held) this.collect(job, bytes);
  }

  /**
   * `ESC ] 6973 ; R BEL`: a shell without our hooks asks for them — the shell that replaced ours (`exec
   * bash`), or any process printing the same bytes. A fresh bootstrap (with a new nonce) is typed only when
   * the transport confirms that the shell itself holds the terminal, so what is typed reaches the shell and
   * no job of the session; anything else is ignored.
   */
  private onRearmRequest(): void {
    const job = this.current;
    const check = this.opts.transport.shellInForeground;
    if (!job || !check || this.checkingRearm || (this.phase !== 'running' && this.phase !== 'raw')) return;
    this.checkingRearm = true;
    void (async () => {
      let foreground = false;
      try {
        foreground = await check.call(this.opts.transport);
      } catch {
        foreground = false;
      }
      this.checkingRearm = false;
      if (!foreground || this.current !== job || (this.phase !== 'running' && this.phase !== 'raw')) return;
      this.secretToType = randomHex(12);
      this.phase = 'rearming';
      this.write(this.opts.dialect.quiet(this.bootstrapOptions()));
    })();
  }

  private onPrompt(event: Extract<ShellEvent, { type: 'prompt' }>): void {
    if (event.cwd !== undefined) this.lastCwd = event.cwd;
    this.tracing = event.tracing;
    const job = this.current;
    switch (this.phase) {
      case 'booting':
        this.phase = 'idle';
        this.settleReady(ok());
        this.pump();
        return;
      case 'wedged':
        this.unwedge();
        return;
      case 'incomplete': {
        if (!job) return;
        if (job.endReason) {
          // Stopped before it was typed: nothing ran.
          this.finish(job, null, undefined);
          return;
        }
        const raw = this.opts.dialect.rawCommand(job.wireId, job.command);
        if (raw === null) {
          this.current = null;
          this.phase = 'idle';
          this.settle(
            job,
            fail(
              'INVALID_INPUT',
              'the command is incomplete (an open quote, heredoc or block) and cannot be typed into the shell ' +
                'as is (a line is too long, or the shell has no way to continue it); nothing ran',
              { dispatched: false, backendId: this.opts.backendId },
            ),
          );
          this.pump();
          return;
        }
        this.phase = 'raw';
        job.started = true;
        this.write(raw);
        this.flushPendingInput(job);
        return;
      }
      case 'dispatched':
        // Prompts before the start mark are left over from the previous command or follow the lines that
        // assemble a long command. Only after Ctrl-C (which may discard the unread line) does one end it.
        if (job?.escalating) this.finish(job, event.exitCode, event.cwd);
        return;
      case 'running':
      case 'raw':
      case 'rearming':
        // A prompt for this command ends it; after Ctrl-C any prompt of our shell does.
        if (job && (event.id === job.wireId || (job.escalating && event.id !== ''))) {
          this.releaseHeld(job);
          this.finish(job, event.exitCode, event.cwd);
        }
        return;
      default:
        return;
    }
  }

  /** The abandoned command finally ended (its end mark or a prompt showed): the shell takes commands again. */
  private unwedge(): void {
    this.phase = 'idle';
    this.wedgedBy = undefined;
    this.pump();
  }

  private callOnOutput(job: Job, text: string): void {
    try {
      job.context.onOutput?.(text);
    } catch {
      // A caller's callback must not break the session; its error is its own.
    }
  }

  private resetIdleTimer(job: Job): void {
    const idle = job.context.idleTimeoutMs;
    if (idle === undefined || job.endReason) return;
    if (job.idleTimer) {
      job.idleTimer.refresh();
      return;
    }
    job.idleTimer = setTimeout(() => this.stop(job, 'timed-out'), idle);
    job.timers.push(job.idleTimer);
  }

  /** Ends a job early: dequeues it, or interrupts it and escalates until the shell is back. */
  private stop(job: Job, reason: 'timed-out' | 'interrupted'): void {
    if (job.endReason) return;
    job.endReason = reason;
    const queued = this.queue.indexOf(job);
    if (queued !== -1) {
      this.queue.splice(queued, 1);
      this.settle(job, ok(this.unstarted(job, reason)));
      return;
    }
    if (this.current !== job) return;
    if (this.phase === 'incomplete') return; // its prompt is coming; nothing runs
    void this.escalate(job);
  }

  private async escalate(job: Job): Promise<void> {
    job.escalating = true;
    const grace = this.opts.interruptGraceMs ?? 1000;
    const killGrace = this.opts.killGraceMs ?? 1000;
    const done = () => this.current !== job;
    const wait = (ms: number) =>
      new Promise<void>((r) => {
        const t = setTimeout(r, ms);
        job.timers.push(t);
      });
    this.write('\x03');
    // A Ctrl-C that lands while bash hands the terminal to a new job (between `echo started` and `sleep`)
    // reaches bash, not the job, and is lost; SIGINT to the foreground job a moment later is not.
    const retry = Math.min(200, grace / 4);
    await wait(retry);
    if (done()) return;
    const jobHeldTerminal = await this.signal('SIGINT');
    await wait(grace - retry);
    if (done()) return;
    if (jobHeldTerminal) {
      await this.signal('SIGTERM');
      await wait(killGrace);
      if (done()) return;
      await this.signal('SIGKILL');
      await wait(killGrace);
      if (done()) return;
    }
    // The shell holds the terminal and does not answer. A builtin waiting for input (`read` with SIGINT
    // ignored) takes a probe line as its input and ends; a shell with our hooks answers it with a mark.
    this.write(this.opts.dialect.probe(randomToken(9)));
    await wait(killGrace);
    if (done()) return;
    const why =
      "the shell no longer answers vth's marks (it was replaced by `exec`, or vth's hooks were removed)";
    if (this.opts.transport.terminate) {
      // A shell vth cannot drive is not left behind as a live session that answers nothing.
      const execution = this.snapshot(job, null, undefined, job.endReason ?? 'interrupted');
      this.current = null;
      this.phase = 'exiting';
      this.settle(
        job,
        fail('BACKEND_CRASHED', `command ${job.id}: ${why}; vth ended the session`, {
          dispatched: true,
          backendId: this.opts.backendId,
          details: { execution },
        }),
        execution,
      );
      this.opts.transport.terminate(why);
      return;
    }
    // No way to end it: give the caller what there is and refuse new commands until a prompt shows.
    this.wedgedBy = job;
    this.finish(job, null, undefined);
    if (this.phase === 'idle') this.phase = 'wedged';
  }

  /**
   * Brings back a shell whose command was abandoned: Ctrl-C, then (as for a running command) SIGINT, SIGTERM
   * and SIGKILL to a job that still holds the terminal, and a probe line once the shell itself does. A
   * Ctrl-C typed while bash hands the terminal to a new job reaches bash, not the job, which then runs on:
   * one Ctrl-C is not enough. Ends as soon as the shell shows a prompt (the runner is no longer wedged).
   */
  private async recover(): Promise<void> {
    if (this.recovering) return;
    this.recovering = true;
    const done = () => this.phase !== 'wedged';
    const grace = this.opts.interruptGraceMs ?? 1000;
    const killGrace = this.opts.killGraceMs ?? 1000;
    const wait = (ms: number) =>
      new Promise<void>((r) => {
        const t = setTimeout(r, ms);
        this.recoveryTimers.add(t);
        t.unref?.();
      });
    try {
      this.write('\x03');
      await wait(Math.min(200, grace / 4));
      for (const [sig, pause] of [
        ['SIGINT', grace],
        ['SIGTERM', killGrace],
        ['SIGKILL', killGrace],
      ] as const) {
        if (done()) return;
        if (!(await this.signal(sig))) break; // the shell itself holds the terminal: it reads the probe
        await wait(pause);
      }
      if (!done()) this.write(this.opts.dialect.probe(randomToken(9)));
    } finally {
      this.recovering = false;
      this.recoveryTimers.clear();
    }
  }

  /** Signals the terminal's foreground job; true when there was one (not the shell itself). */
  private async signal(sig: ForegroundSignal): Promise<boolean> {
    try {
      return (await this.opts.transport.signalForeground?.(sig)) === true;
    } catch {
      return false; // The process group may be gone already.
    }
  }

  /**
   * Settles a job. `byEndMark`: it printed its own end mark, so the next command of its batch line follows;
   * otherwise (prompt, Ctrl-C, exit) the rest of the line will not run.
   */
  private finish(
    job: Job,
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
      if (byEndMark && this.phase === 'idle') this.advanceGroup();
      else this.dropGroup('interrupted');
    }
    this.pump();
  }

  private snapshot(
    job: Job,
    exitCode: number | null,
    cwd: string | undefined,
    status: CommandStatus,
  ): CommandExecution {
    if (job.onlcr) {
      const held = job.onlcr.end();
      job.onlcr = null;
      if (held.length > 0) {
        job.output.append(held);
        if (job.decoder) this.callOnOutput(job, job.decoder.write(held));
      }
    }
    if (job.decoder) {
      const rest = job.decoder.end();
      if (rest) this.callOnOutput(job, rest);
      job.decoder = null;
    }
    const { text, truncatedBytes } = job.output.read();
    const reportedCwd = cwd ?? (status === 'completed' ? this.lastCwd : undefined);
    return {
      id: job.id,
      sessionId: this.opts.sessionId,
      paneId: this.opts.paneId,
      command: job.command,
      status,
      exitCode,
      output: text,
      truncatedBytes,
      ...(reportedCwd === undefined ? {} : { cwd: reportedCwd }),
      startedAt: job.startedAt || job.calledAt,
      durationMs: job.startedHr ? performance.now() - job.startedHr : 0,
      backendId: this.opts.backendId,
    };
  }

  private unstarted(job: Job, status: CommandStatus): CommandExecution {
    return this.snapshot(job, null, undefined, status);
  }

  private settle(job: Job, result: BackendResult<CommandExecution>, execution?: CommandExecution): void {
    for (const t of job.timers) clearTimeout(t);
    job.timers = [];
    if (job.abortListener) job.context.signal?.removeEventListener('abort', job.abortListener);
    job.abortListener = null;
    if (execution && job.startedAt) this.opts.onCommandCompleted?.(execution, job.output.totalBytes);
    job.resolve(result);
  }
}
