import { fail, ok, type BackendResult, type CommandExecution, type ExecutionContext } from '@vth/core';
import { batchFailure, runInTurn } from './batch-outcome';
import { typeBatchLine } from './batch-line';
import { type ShellCommandRunnerOptions } from './command-runner-options';
import { sendOrHoldInput } from './input-hold';
import { RunnerState } from './runner-state';
import { abandonShell, closeShell, markClosing } from './shell-end';
import { type ShellExit } from './shell-transport';

export { type ShellCommandRunnerOptions } from './command-runner-options';
export { type ForegroundSignal, type ShellExit, type ShellTransport } from './shell-transport';

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
  /** What the runner's parts share (see `RunnerState`). */
  private readonly s: RunnerState;

  constructor(options: ShellCommandRunnerOptions) {
    this.s = new RunnerState(options);
  }

  /**
   * The text to type into the fresh shell: it turns echo off and says so; the runner then types the
   * bootstrap with the secret itself (through the transport), so the secret is never echoed.
   */
  bootstrapText(): string {
    return this.s.arming.quietText();
  }

  /** Resolves once the shell has run the bootstrap and shown its first (silent) prompt. */
  ready(timeoutMs: number): Promise<BackendResult<void>> {
    const s = this.s;
    if (s.phase !== 'booting') {
      return Promise.resolve(s.closedError ? fail(s.closedError) : ok());
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        s.readyWaiters = s.readyWaiters.filter((w) => w !== settle);
        resolve(
          fail('TIMEOUT', `the shell did not become ready within ${timeoutMs} ms`, { dispatched: false }),
        );
      }, timeoutMs);
      const settle = (r: BackendResult<void>) => {
        clearTimeout(timer);
        resolve(r);
      };
      s.readyWaiters.push(settle);
    });
  }

  /** The working directory the shell last reported. */
  get cwd(): string | undefined {
    return this.s.lastCwd;
  }

  /** A command is running or waiting. */
  get busy(): boolean {
    const s = this.s;
    return s.current !== null || s.queue.length > 0 || s.groupRest.length > 0;
  }

  /**
   * The shell said it is exiting (its EXIT trap's mark), or vth is ending it. A shell whose transport
   * closes without this was killed by a signal it cannot trap (SIGKILL) or crashed: its host reports that
   * session as crashed, not exited.
   */
  get exitAnnounced(): boolean {
    return this.s.phase === 'exiting';
  }

  /** The shell is gone (or the runner was closed): every further command fails. */
  get closed(): boolean {
    return this.s.phase === 'closed';
  }

  /** Feeds raw bytes the shell printed. */
  feed(chunk: Buffer): void {
    this.s.parser.push(chunk, this.s.handleEvent);
  }

  /**
   * Runs one command. Never rejects. `onCommandId` is called synchronously with the id its execution will
   * carry (before any of its output), when the command is accepted.
   */
  execute(
    command: string,
    callerContext?: ExecutionContext,
    onCommandId?: (commandId: string) => void,
  ): Promise<BackendResult<CommandExecution>> {
    const s = this.s;
    const parsed = s.context(callerContext);
    if (!parsed.ok) return Promise.resolve(parsed);
    const context = parsed.value;
    const refused = s.refuse();
    if (refused) return Promise.resolve(refused);
    return new Promise((resolve) => {
      const job = s.makeJob(command, context, resolve);
      onCommandId?.(job.id);
      if (context.signal?.aborted) {
        resolve(ok(s.unstarted(job, 'interrupted')));
        return;
      }
      job.watch();
      s.queue.push(job);
      s.pump();
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
    const s = this.s;
    const parsed = s.context(callerContext);
    if (!parsed.ok) return parsed;
    const context = parsed.value;
    if (commands.length === 0) return ok([]);
    const refused = s.refuse();
    if (refused) return refused;
    const results = typeBatchLine(s, commands, context);
    if (results === null) return runInTurn(commands, (command) => this.execute(command, context));
    const executions: CommandExecution[] = [];
    for (const pending of results) {
      const result = await pending;
      if (!result.ok) return batchFailure(result.error, executions);
      executions.push(result.value);
    }
    return ok(executions);
  }

  /**
   * Ctrl-C to the running command, escalating to SIGTERM and SIGKILL of its process group. When the runner
   * is waiting for an abandoned command's shell to come back, the same escalation ends whatever still holds
   * the terminal, and a line that makes the shell show a prompt mark brings it back. With nothing running it
   * does nothing.
   */
  interrupt(): void {
    this.s.escalation.interrupt();
  }

  /**
   * After `abandon`, when the backend knows the shell is idle at its prompt (its terminal's foreground is the
   * shell itself): a probe line brings the prompt mark that ends the wait, without a Ctrl-C that could hit a
   * command still running.
   */
  resync(): void {
    this.s.escalation.resync();
  }

  /**
   * The backend is about to end the shell on purpose (destroySession, shutdown): whatever is running then
   * ends `interrupted`, with the status the shell reports if it reports one.
   */
  markClosing(): void {
    markClosing(this.s);
  }

  /**
   * The connection to the shell was lost while the shell may live on (a tmux control client that died and
   * was restarted): what the running command printed meanwhile is gone, so its outcome is unknown. It fails
   * `BACKEND_CRASHED` with `dispatched: true` and its partial output, as do the commands of its batch line;
   * queued commands wait. The runner answers `BUSY` until the shell shows a mark again (`interrupt()` asks
   * it to).
   */
  abandon(reason: string): void {
    abandonShell(this.s, reason);
  }

  /**
   * Raw keys for whatever reads the terminal (a command's stdin, an open heredoc...). Keys for a command
   * that has not started yet wait until it has: if its text turns out incomplete, they must follow the text
   * typed raw, not reach the shell first as a command line.
   */
  sendInput(data: string): void {
    sendOrHoldInput(this.s, data);
  }

  /**
   * The shell is gone. A running command ends `lost` with `BACKEND_CRASHED` (dispatched: it may have run),
   * unless the shell exited normally, which is how `exit 3` ends: then it completed with that code.
   * Queued commands fail undispatched, so a caller may run them elsewhere.
   */
  close(exit: ShellExit): void {
    closeShell(this.s, exit);
  }
}
