import {
  fail,
  ok,
  type BackendError,
  type BackendResult,
  type CommandExecution,
  type CommandOutput,
  type CommandStatus,
  type CommandWaitResult,
  type ReadOutputOptions,
  type WaitForOptions,
} from '@vth/core';
import { CommandOutputRing, type OutputSlice } from './command-output-ring';

/** What `readOutput` answers at most per call unless it asks for less. */
export const DEFAULT_READ_BYTES = 64 * 1024;
/** What `waitFor` answers and tests a `pattern` against: the most recent bytes from `sinceOffset`. */
export const WAIT_WINDOW_BYTES = 64 * 1024;

/** Where a command runs and what it is, for the answers about it. */
export interface RunningCommandPlace {
  handle: string;
  sessionId: string;
  paneId: string;
  commandId: string;
  command: string;
  startedAt: number;
}

/**
 * One command followed by handle (`yieldAfterMs`): its most recent output by byte offset, where the last
 * read stopped, how it ended, and the calls waiting for something to happen. Fed by the command's output
 * and, once, by its end; every wait has its own deadline, and the end wakes them all.
 */
export class RunningCommand {
  readonly ring: CommandOutputRing;
  /** Where the last `readOutput` / `waitFor` stopped: the default `sinceOffset`. */
  cursor = 0;
  status: CommandStatus = 'running';
  exitCode: number | null = null;
  cwd: string | undefined;
  /** Set when the command ended with an error (its shell died): every later call answers it. */
  error: BackendError | null = null;
  lastOutputAt = Date.now();
  private durationMs: number | null = null;
  private readonly startedHr = performance.now();
  private readonly wakers = new Set<() => void>();
  /** Output wakes waiters once per turn of the event loop, not per chunk: a pattern is tested per batch. */
  private wakeSoon: NodeJS.Immediate | null = null;

  constructor(
    readonly place: RunningCommandPlace,
    outputBytes: number,
  ) {
    this.ring = new CommandOutputRing(outputBytes);
  }

  get ended(): boolean {
    return this.status !== 'running';
  }

  append(text: string): void {
    if (this.ended || text === '') return;
    this.ring.append(Buffer.from(text, 'utf8'));
    this.lastOutputAt = Date.now();
    if (this.wakers.size > 0) {
      this.wakeSoon ??= setImmediate(() => {
        this.wakeSoon = null;
        this.wake();
      });
    }
  }

  /** The command ended: with its execution, or an error (its output so far stays readable until asked). */
  end(result: BackendResult<CommandExecution>): void {
    if (this.ended) return;
    if (result.ok) {
      this.status = result.value.status === 'running' ? 'lost' : result.value.status;
      this.exitCode = result.value.exitCode;
      this.cwd = result.value.cwd;
      this.durationMs = result.value.durationMs;
    } else {
      this.status = 'lost';
      this.error = result.error;
      const execution = result.error.details?.execution as CommandExecution | undefined;
      this.exitCode = execution?.exitCode ?? null;
    }
    this.durationMs ??= performance.now() - this.startedHr;
    this.wake();
  }

  /** What `readOutput` answers, waiting up to `waitMs` when there is nothing new yet. */
  async read(options: ReadOutputOptions): Promise<BackendResult<CommandOutput>> {
    const since = options.sinceOffset ?? this.cursor;
    const beyond = this.beyondEnd(since);
    if (beyond) return beyond;
    const waitMs = options.waitMs ?? 0;
    if (waitMs > 0 && !this.ended && this.ring.total <= since) {
      await this.until(() => this.ended || this.ring.total > since, waitMs);
    }
    if (this.error) return fail(this.error);
    return ok(this.answer(this.ring.slice(since, options.maxBytes ?? DEFAULT_READ_BYTES)));
  }

  /** What `waitFor` answers: a pattern matched, the output went quiet, the command ended, or time ran out. */
  async waitFor(options: WaitForOptions): Promise<BackendResult<CommandWaitResult>> {
    const since = options.sinceOffset ?? 0;
    const beyond = this.beyondEnd(since);
    if (beyond) return beyond;
    const pattern = options.pattern === undefined ? null : new RegExp(options.pattern);
    let match: CommandWaitResult['match'];
    const matched = () => {
      if (!pattern) return false;
      const window = this.ring.tail(since, WAIT_WINDOW_BYTES);
      const text = window.bytes.toString('utf8');
      const found = pattern.exec(text);
      if (!found) return false;
      const offset = window.offset + Buffer.byteLength(text.slice(0, found.index));
      match = { text: found[0], offset };
      return true;
    };
    const idle = () => options.idleMs !== undefined && Date.now() - this.lastOutputAt >= options.idleMs;
    const reached = () => matched() || idle() || this.ended;
    const inTime = reached() || (await this.until(reached, options.timeoutMs, options.idleMs));
    if (this.error) return fail(this.error);
    const reason: CommandWaitResult['reason'] = !inTime
      ? 'timeout'
      : match
        ? 'pattern'
        : idle() && !this.ended
          ? 'idle'
          : 'exit';
    const answer = this.answer(this.ring.tail(since, WAIT_WINDOW_BYTES));
    return ok({ ...answer, reason, ...(match ? { match } : {}) });
  }

  /** Wakes every waiting call now (the session is going away: they answer what they have). */
  wake(): void {
    for (const waker of [...this.wakers]) waker();
  }

  private beyondEnd(since: number): BackendResult<never> | null {
    if (since <= this.ring.total) return null;
    return fail(
      'INVALID_INPUT',
      `invalid options.sinceOffset: ${since} is past the end of the output (${this.ring.total} bytes so far)`,
      { dispatched: false },
    );
  }

  /**
   * Resolves `true` once `done()` holds (checked on every wake, and every `pollMs` for conditions of time
   * such as idleness), `false` after `timeoutMs`.
   */
  private until(done: () => boolean, timeoutMs: number, pollMs?: number): Promise<boolean> {
    return new Promise((resolve) => {
      const finish = (value: boolean) => {
        clearTimeout(deadline);
        if (idleTimer) clearTimeout(idleTimer);
        this.wakers.delete(check);
        resolve(value);
      };
      const check = () => {
        if (done()) finish(true);
        else if (idleTimer && pollMs !== undefined) idleTimer.refresh();
      };
      const deadline = setTimeout(() => finish(false), timeoutMs);
      // Quiet output wakes nobody: a timer that restarts with each output sees the silence.
      const idleTimer = pollMs === undefined ? null : setTimeout(check, pollMs);
      this.wakers.add(check);
    });
  }

  private answer(slice: OutputSlice): CommandOutput {
    const p = this.place;
    const nextOffset = slice.offset + slice.bytes.length;
    this.cursor = nextOffset;
    return {
      handle: p.handle,
      sessionId: p.sessionId,
      paneId: p.paneId,
      command: p.command,
      status: this.status,
      output: slice.bytes.toString('utf8'),
      offset: slice.offset,
      nextOffset,
      skippedBytes: slice.skippedBytes,
      exitCode: this.ended ? this.exitCode : null,
      ...(this.ended && this.cwd !== undefined ? { cwd: this.cwd } : {}),
      startedAt: p.startedAt,
      durationMs: this.durationMs ?? performance.now() - this.startedHr,
    };
  }
}
