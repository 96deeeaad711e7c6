import {
  fail,
  parseCommandHandle,
  readOutputOptionsSchema,
  waitForOptionsSchema,
  type BackendResult,
  type CommandExecution,
  type CommandOutput,
  type CommandWaitResult,
  type ExecutionContext,
  type ReadOutputOptions,
  type WaitForOptions,
} from '@vth/core';
import { parseInput } from '@vth/core/kit';
import { PaneCommands } from './pane-commands';
import { PatternMatcher } from './pattern-matcher';
import { type RunningCommand } from './running-command';
import { type SessionPane } from './session-parts';
import { executeYielding } from './yielding-execution';

/** What {@link LongCommands} needs of its backend. */
export interface LongCommandsHost<P> {
  /** The backend's id (read late: `initialize` may change it). */
  id(): string;
  /** The backend declares `capabilities.longCommands`: `yieldAfterMs` is honoured. */
  enabled(): boolean;
  /** The pane a call names (the base's checks: session, pane). */
  target(sessionId: string, paneId: string | undefined): BackendResult<P>;
  /** The id of a pane, as executions and handles carry it. */
  paneIdOf(pane: P): string;
  /** Why the session is being ended (`destroyed`, `shutdown`), or `null` while it lives. */
  closing(sessionId: string): string | null;
}

/**
 * Long commands for every `SessionBackend`, whatever runs its panes: a command run with `yieldAfterMs`
 * that outlives it is followed by handle per pane (see `PaneCommands`, `RunningCommand`), and the pane
 * answers `BUSY` with that handle to commands that would queue behind it. The pane objects key the
 * registry, so a pane that is gone takes its handles with it.
 */
export class LongCommands<P extends SessionPane> {
  private readonly panes = new WeakMap<object, PaneCommands>();
  /** Tests `waitFor` patterns off the event loop (see `PatternMatcher`). */
  private readonly matcher = new PatternMatcher();

  constructor(private readonly host: LongCommandsHost<P>) {}

  /** `BUSY` with the handle of the command that holds the pane, if one does. */
  busy(pane: P): BackendResult<never> | null {
    return this.panes.get(pane)?.busy(this.host.id()) ?? null;
  }

  /** Runs a command on the pane: plainly, or yielding after `context.yieldAfterMs`. */
  execute(
    pane: P,
    sessionId: string,
    command: string,
    context: ExecutionContext,
  ): Promise<BackendResult<CommandExecution>> {
    const busy = this.busy(pane);
    if (busy) return Promise.resolve(busy);
    const { yieldAfterMs } = context;
    if (yieldAfterMs === undefined || !this.host.enabled()) return pane.runner.execute(command, context);
    let commands = this.panes.get(pane);
    if (!commands) this.panes.set(pane, (commands = new PaneCommands()));
    const place = {
      sessionId,
      paneId: this.host.paneIdOf(pane),
      backendId: this.host.id(),
      closing: () => this.host.closing(sessionId),
    };
    return executeYielding(pane.runner, command, { ...context, yieldAfterMs }, place, commands);
  }

  async read(
    ready: BackendResult<unknown>,
    handle: string,
    options: ReadOutputOptions,
  ): Promise<BackendResult<CommandOutput>> {
    const found = this.find(ready, handle);
    if (!found.ok) return found;
    const opts = parseInput(readOutputOptionsSchema, options ?? {}, 'options');
    if (!opts.ok) return opts;
    return found.value.read(opts.value);
  }

  async waitFor(
    ready: BackendResult<unknown>,
    handle: string,
    options: WaitForOptions,
  ): Promise<BackendResult<CommandWaitResult>> {
    const found = this.find(ready, handle);
    if (!found.ok) return found;
    const opts = parseInput(waitForOptionsSchema, options, 'options');
    if (!opts.ok) return opts;
    return found.value.waitFor(opts.value as WaitForOptions, this.matcher);
  }

  /** Ends what long commands started (the pattern worker). */
  close(): Promise<void> {
    return this.matcher.close();
  }

  /**
   * The command a handle names. Its session or pane gone: `SESSION_NOT_FOUND` / `PANE_NOT_FOUND` with
   * `dispatched: true` (the command ran, and ended with them); unknown or forgotten: `COMMAND_NOT_FOUND`.
   */
  private find(ready: BackendResult<unknown>, handle: string): BackendResult<RunningCommand> {
    if (!ready.ok) return ready;
    const parsed = parseCommandHandle(handle);
    if (!parsed.ok) return parsed;
    const { sessionId, paneId, commandId } = parsed.value;
    const target = this.host.target(sessionId, paneId);
    if (!target.ok) {
      const { code, message } = target.error;
      if (code !== 'SESSION_NOT_FOUND' && code !== 'PANE_NOT_FOUND') return target;
      return fail(code, `${message}; command ${commandId} ended with it`, {
        dispatched: true,
        backendId: this.host.id(),
      });
    }
    const command = this.panes.get(target.value)?.get(commandId);
    if (command) return { ok: true, value: command };
    return fail(
      'COMMAND_NOT_FOUND',
      `no command ${commandId} in session ${sessionId} (it never yielded, or is forgotten)`,
      {
        dispatched: false,
        backendId: this.host.id(),
      },
    );
  }
}
