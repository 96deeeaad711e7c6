import { ok, type BackendResult, type CommandExecution } from '@vth/core';
import { parseInput } from '@vth/core/kit';
import {
  captureOptionsSchema,
  commandsSchema,
  executeOptionsSchema,
  executionContext,
  keysSchema,
  sendKeysOptionsSchema,
} from './call-options';
import { type CommandResult } from './command-result';
import { partialExecutions, type CommandStats } from './command-stats';
import { type SelectedBackend } from './integration-backend';
import { type IntegrationSessions } from './integration-sessions';
import { type ResolvedTmuxIntegrationConfig } from './tmux-integration-config';
import { keysToInput } from './tmux-keys';

/** What the command side needs of the integration around it. */
export interface CommandSurroundings {
  config: Pick<ResolvedTmuxIntegrationConfig, 'commandTimeout' | 'captureBufferSize'>;
  sessions: IntegrationSessions;
  stats: CommandStats;
  /** The active session, or 'default' created (throws when it cannot be). */
  activeOrDefault(): Promise<string>;
  /** A command finished: announce it (`command-executed`). */
  executed(result: CommandResult): void;
}

/**
 * The command side of the legacy API: validates the arguments, picks the session (the active one, or
 * 'default'), runs in it, and counts and keeps each result. Answers results; the integration throws.
 */
export class IntegrationCommands {
  constructor(private readonly around: CommandSurroundings) {}

  async execute(
    selected: SelectedBackend,
    command: string,
    options: unknown,
  ): Promise<BackendResult<CommandResult>> {
    const opts = parseInput(executeOptionsSchema, options ?? {}, 'options');
    if (!opts.ok) return opts;
    const sessionId = opts.value.sessionId ?? (await this.around.activeOrDefault());
    const context = executionContext(opts.value, this.around.config.commandTimeout);
    const backend = this.around.sessions.route(selected, sessionId);
    const run = await backend.executeCommand(sessionId, command, opts.value.paneId, context);
    if (!run.ok) this.around.stats.failed();
    return run.ok ? ok(this.record(run.value)) : run;
  }

  async batch(
    selected: SelectedBackend,
    commands: unknown,
    options: unknown,
  ): Promise<BackendResult<CommandResult[]>> {
    const cmds = parseInput(commandsSchema, commands, 'commands');
    if (!cmds.ok) return cmds;
    const opts = parseInput(executeOptionsSchema, options ?? {}, 'options');
    if (!opts.ok) return opts;
    const sessionId = opts.value.sessionId ?? (await this.around.activeOrDefault());
    const context = executionContext(opts.value, this.around.config.commandTimeout);
    const backend = this.around.sessions.route(selected, sessionId);
    const run = await backend.executeBatch(sessionId, cmds.value, opts.value.paneId, context);
    if (run.ok) return ok(run.value.map((e) => this.record(e)));
    // The commands that ran before the failure are real results: count and keep them.
    for (const execution of partialExecutions(run.error)) this.record(execution);
    this.around.stats.failed();
    return run;
  }

  async sendKeys(selected: SelectedBackend, keys: unknown, options: unknown): Promise<BackendResult<void>> {
    const parsedKeys = parseInput(keysSchema, keys, 'keys');
    if (!parsedKeys.ok) return parsedKeys;
    const opts = parseInput(sendKeysOptionsSchema, options ?? {}, 'options');
    if (!opts.ok) return opts;
    const sessionId = opts.value.sessionId ?? (await this.around.activeOrDefault());
    const list = typeof parsedKeys.value === 'string' ? [parsedKeys.value] : parsedKeys.value;
    const data = keysToInput(list, opts.value.literal ?? false);
    if (data === '') return ok();
    return this.around.sessions.route(selected, sessionId).sendInput(sessionId, data, opts.value.paneId);
  }

  async capture(selected: SelectedBackend, options: unknown): Promise<BackendResult<string>> {
    const opts = parseInput(captureOptionsSchema, options ?? {}, 'options');
    if (!opts.ok) return opts;
    const sessionId = this.around.sessions.target(opts.value.sessionId);
    if (!sessionId.ok) return sessionId;
    const max = this.around.config.captureBufferSize;
    const lines = Math.min(opts.value.lines ?? max, max);
    const backend = this.around.sessions.route(selected, sessionId.value);
    return backend.capture(sessionId.value, opts.value.paneId, { lines });
  }

  private record(execution: CommandExecution): CommandResult {
    const result = this.around.stats.record(execution);
    this.around.sessions.table.noteCwd(result.sessionId, result.cwd);
    this.around.executed(result);
    return result;
  }
}
