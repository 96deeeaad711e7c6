import { StringDecoder } from 'node:string_decoder';
import {
  type BackendResult,
  type CommandExecution,
  type CommandStatus,
  type ExecutionContext,
} from '@vth/core';
import { BoundedOutputBuffer } from '@vth/core/kit';
import { type ShellCommandRunnerOptions } from './command-runner-options';
import { OnlcrDecoder } from './onlcr-decoder';
import { randomToken } from './random-token';

const DEFAULT_MAX_OUTPUT = 16 * 1024 * 1024;

/** Who ends a job early when its deadline passes, its output goes quiet too long, or its signal aborts. */
export interface JobStopper {
  stop(job: CommandJob, reason: 'timed-out' | 'interrupted'): void;
}

/** Where a runner's commands run: the fields of an execution that name the session. */
export type JobPlace = Pick<ShellCommandRunnerOptions, 'sessionId' | 'paneId' | 'backendId'>;

/**
 * One command given to a runner, from the call to its result: its output (bounded, decoded for the caller's
 * `onOutput`), its deadlines and abort watch, and the execution it settles with.
 */
export class CommandJob {
  /** Public id: the id in marks, random (72 bits), so no process in the session can predict it. */
  readonly id: string;
  readonly wireId: string;
  readonly calledAt = Date.now();
  startedAt = 0;
  startedHr = 0;
  readonly output: BoundedOutputBuffer;
  decoder: StringDecoder | null;
  onlcr: OnlcrDecoder | null;
  endReason: Exclude<CommandStatus, 'completed' | 'lost'> | null = null;
  escalating = false;
  timers: NodeJS.Timeout[] = [];
  idleTimer: NodeJS.Timeout | null = null;
  /** The shell printed its start mark (or it was typed raw): the command's text has run or is running. */
  started = false;
  /** Output that arrived while a re-arm request was answered: the command's only if it ends on its own. */
  heldDuringRearm: Buffer[] = [];
  /** sendInput data that arrived before the command started reading; see `sendInput` of the runner. */
  pendingInput: string[] = [];
  abortListener: (() => void) | null = null;
  /** First job of a batch sent as one line: the line, and the jobs after this one. */
  batch: { text: string; rest: CommandJob[] } | null = null;

  constructor(
    readonly command: string,
    readonly context: ExecutionContext,
    opts: ShellCommandRunnerOptions,
    private readonly stopper: JobStopper,
    readonly resolve: (result: BackendResult<CommandExecution>) => void,
  ) {
    const wireId = randomToken(9);
    this.id = wireId;
    this.wireId = wireId;
    this.output = new BoundedOutputBuffer(
      context.maxOutputBytes ?? opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT,
    );
    this.decoder = context.onOutput ? new StringDecoder('utf8') : null;
    this.onlcr = opts.onlcr ? new OnlcrDecoder() : null;
  }

  /** Starts the job's timeout and abort watch: at the call, or when a batched job's turn comes. */
  watch(): void {
    const { timeoutMs, signal } = this.context;
    if (timeoutMs !== undefined)
      this.timers.push(setTimeout(() => this.stopper.stop(this, 'timed-out'), timeoutMs));
    if (signal) {
      const listener = () => this.stopper.stop(this, 'interrupted');
      signal.addEventListener('abort', listener, { once: true });
      this.abortListener = listener;
    }
  }

  /** The command showed life: its idle timeout starts over. */
  resetIdleTimer(): void {
    const idle = this.context.idleTimeoutMs;
    if (idle === undefined || this.endReason) return;
    if (this.idleTimer) {
      this.idleTimer.refresh();
      return;
    }
    this.idleTimer = setTimeout(() => this.stopper.stop(this, 'timed-out'), idle);
    this.timers.push(this.idleTimer);
  }

  /** Adds bytes to the command's output. */
  collect(bytes: Buffer): void {
    const data = this.onlcr ? this.onlcr.push(bytes) : bytes;
    this.output.append(data);
    if (this.decoder) {
      const text = this.decoder.write(data);
      if (text) this.callOnOutput(text);
    }
    this.resetIdleTimer();
  }

  /**
   * A re-arm request turned out not to come from a replaced shell (the command ended with its own mark):
   * the output held back meanwhile is the command's.
   */
  releaseHeld(): void {
    if (this.heldDuringRearm.length === 0) return;
    const held = this.heldDuringRearm;
    this.heldDuringRearm = [];
    for (const bytes of held) this.collect(bytes);
  }

  /** The keys sent while the command was starting, once; null when there were none. */
  takePendingInput(): string | null {
    if (this.pendingInput.length === 0) return null;
    const data = this.pendingInput.join('');
    this.pendingInput = [];
    return data;
  }

  /** The command's execution as it stands; ends its output (a job is snapshot once). */
  snapshot(
    place: JobPlace,
    exitCode: number | null,
    cwd: string | undefined,
    status: CommandStatus,
    lastCwd: string | undefined,
  ): CommandExecution {
    if (this.onlcr) {
      const held = this.onlcr.end();
      this.onlcr = null;
      if (held.length > 0) {
        this.output.append(held);
        if (this.decoder) this.callOnOutput(this.decoder.write(held));
      }
    }
    if (this.decoder) {
      const rest = this.decoder.end();
      if (rest) this.callOnOutput(rest);
      this.decoder = null;
    }
    const { text, truncatedBytes } = this.output.read();
    const reportedCwd = cwd ?? (status === 'completed' ? lastCwd : undefined);
    return {
      id: this.id,
      sessionId: place.sessionId,
      paneId: place.paneId,
      command: this.command,
      status,
      exitCode,
      output: text,
      truncatedBytes,
      ...(reportedCwd === undefined ? {} : { cwd: reportedCwd }),
      startedAt: this.startedAt || this.calledAt,
      durationMs: this.startedHr ? performance.now() - this.startedHr : 0,
      backendId: place.backendId,
    };
  }

  /** Stops the job's watches, reports a started command completed, and resolves the caller's promise. */
  settle(
    result: BackendResult<CommandExecution>,
    execution: CommandExecution | undefined,
    onCommandCompleted: ShellCommandRunnerOptions['onCommandCompleted'],
  ): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    if (this.abortListener) this.context.signal?.removeEventListener('abort', this.abortListener);
    this.abortListener = null;
    if (execution && this.startedAt) onCommandCompleted?.(execution, this.output.totalBytes);
    this.resolve(result);
  }

  private callOnOutput(text: string): void {
    try {
      this.context.onOutput?.(text);
    } catch {
      // A caller's callback must not break the session; its error is its own.
    }
  }
}
