import { EventEmitter } from 'node:events';
import {
  BackendError,
  toBackendError,
  type BackendErrorCode,
  type BackendHealth,
  type BackendResult,
  type ITerminalBackend,
} from '@vth/core';
import { emitErrorSafely, parseInput } from '@vth/core/kit';
import {
  limitSchema,
  type CapturePaneOptions,
  type ExecuteOptions,
  type SendKeysOptions,
} from './call-options';
import { type CommandResult } from './command-result';
import { COMMAND_HISTORY_SIZE, CommandStats } from './command-stats';
import { type TmuxIntegrationEventMap } from './events';
import { AB_EXPERIMENT, selectBackend, type SelectedBackend } from './integration-backend';
import { IntegrationCommands } from './integration-commands';
import { IntegrationLifecycle } from './integration-lifecycle';
import { forwardEvents } from './integration-events';
import { IntegrationSessions } from './integration-sessions';
import { type PerformanceMetrics } from './performance-metrics';
import {
  resolveConfig,
  settingsOf,
  type ResolvedTmuxIntegrationConfig,
  type TmuxIntegrationConfig,
  type TmuxIntegrationSettings,
} from './tmux-integration-config';
import { TmuxIntegrationError } from './tmux-integration-error';
import { type TmuxSession, type TmuxSessionOptions } from './tmux-session';

export { COMMAND_HISTORY_SIZE } from './command-stats';
export { type CapturePaneOptions, type ExecuteOptions, type SendKeysOptions } from './call-options';
export { type TmuxIntegrationSettings } from './tmux-integration-config';

export { DEFAULT_SESSION_NAME } from './integration-sessions';

/**
 * The legacy tmux integration API of voice-terminal projects, running on any vth backend: tmux when it can
 * be created, else the `fallbackBackends` in order, or a backend (a `BackendManager`) handed in. Methods
 * throw `TmuxIntegrationError` (the legacy API throws); a timed-out command is a result, not an error.
 * Failover is the manager's: the integration adapts the legacy API to it and keeps its own bookkeeping
 * (the active session, history, metrics).
 *
 * @example
 * ```ts
 * const integration = new TmuxIntegration({ socketPath: '/tmp/tmux-socket', performanceMode: 'performance' });
 * await integration.initialize();
 * const session = await integration.createSession('voice-terminal');
 * const result = await integration.executeCommand('ls -la');
 * const output = await integration.getOutput();
 * await integration.shutdown();
 * ```
 */
export class TmuxIntegration extends EventEmitter<TmuxIntegrationEventMap> {
  private readonly config: ResolvedTmuxIntegrationConfig;
  private readonly life: IntegrationLifecycle;
  private readonly sessions: IntegrationSessions;
  private readonly stats = new CommandStats();
  private readonly commands: IntegrationCommands;

  /**
   * Validates `config`; throws `TmuxIntegrationError` `INVALID_CONFIG` naming each bad path
   * (`config.performanceMode: must be one of ...`). Nothing is started before `initialize()`.
   *
   * @example
   * ```ts
   * const integration = new TmuxIntegration({ performanceMode: 'reliability', fallbackBackends: ['node-pty'] });
   * ```
   */
  constructor(config: TmuxIntegrationConfig = {}) {
    super();
    const resolved = resolveConfig(config);
    if (!resolved.ok) throw new TmuxIntegrationError(resolved.error);
    this.config = resolved.value;
    this.sessions = new IntegrationSessions(this.config.maxSessions, this.config.recreateLostSessions);
    this.commands = new IntegrationCommands({
      config: this.config,
      sessions: this.sessions,
      stats: this.stats,
      activeOrDefault: () => this.sessions.activeOrDefault((name) => this.createSession(name)),
      executed: (result) => this.emit('command-executed', result),
    });
    const raise = (error: BackendError, message?: string) => this.raise(error, message);
    this.life = new IntegrationLifecycle({
      select: () => selectBackend(this.config, raise),
      attach: (selected) =>
        forwardEvents(selected, this, {
          closed: (e) => this.sessions.table.closed(e.sessionId),
          migrated: (e) => {
            const session = this.sessions.moved(e);
            if (session !== undefined) this.emit('session-created', session);
          },
        }),
      started: ({ backend, type, failures, discovery }) =>
        this.emit('backend-selected', {
          type,
          backendId: backend.id,
          failures,
          ...(discovery === undefined ? {} : { discovery }),
        }),
      closing: (selected) => this.sessions.closeAll(selected, (error) => emitErrorSafely(this, error)),
      report: (error) => emitErrorSafely(this, error),
      raise,
    });
  }

  /** The type of the backend in use ('tmux', 'node-pty', ...); `null` before `initialize()`. */
  get backendType(): string | null {
    return this.life.selected?.type ?? null;
  }

  /** The backend in use, for what the legacy API does not cover; `null` before `initialize()`. */
  get backend(): ITerminalBackend | null {
    return this.life.selected?.backend ?? null;
  }

  /** The settings in effect, defaults applied. */
  get settings(): TmuxIntegrationSettings {
    return settingsOf(this.config);
  }

  /**
   * Gets a backend: the injected one, or a `BackendManager` over tmux and `fallbackBackends` (those the
   * factory knows), and emits `backend-selected`. Safe to call again (and concurrently): later calls wait for
   * the first. Throws `UNAVAILABLE` listing why each type failed, `INVALID_CONFIG` for `enableABTesting` with
   * fewer than two types that can be created, `NOT_INITIALIZED` after `shutdown()`.
   *
   * @example
   * ```ts
   * integration.on('backend-selected', ({ type, failures }) => console.log(type, failures.length));
   * await integration.initialize();
   * ```
   */
  initialize(): Promise<void> {
    return this.life.initialize();
  }

  /**
   * Creates a session named `name` (the vth session id: letters, digits, `_`, `-`; default `session-<n>`).
   * The first session created, or the first after the active one was killed, becomes the active session.
   * Throws `INVALID_INPUT` for a bad name or options or a name in use, `BUSY` beyond `maxSessions`.
   *
   * @example
   * ```ts
   * const session = await integration.createSession('voice-terminal', { cwd: '/srv/app', cols: 120 });
   * ```
   */
  async createSession(name?: string, options?: TmuxSessionOptions): Promise<TmuxSession> {
    const session = this.check(await this.sessions.create(this.ready(), name, options));
    this.emit('session-created', session);
    return session;
  }

  /**
   * Destroys a session (its shell and everything it started). Killing the active session leaves none
   * active: the next `executeCommand` without `sessionId` uses or creates 'default'.
   *
   * @example
   * ```ts
   * await integration.killSession('voice-terminal');
   * ```
   */
  async killSession(id: string): Promise<void> {
    this.check(await this.sessions.kill(this.ready(), id));
  }

  /**
   * Every open session on the backend (also those others created on a shared backend), `active` marking
   * the one commands go to by default.
   *
   * @example
   * ```ts
   * for (const s of await integration.listSessions()) console.log(s.name, s.active ? '*' : '');
   * ```
   */
  async listSessions(): Promise<TmuxSession[]> {
    return this.check(await this.sessions.list(this.ready()));
  }

  /**
   * Makes `id` the active session: commands without `sessionId` go there. Any open session on the backend
   * may be chosen; `SESSION_NOT_FOUND` otherwise.
   *
   * @example
   * ```ts
   * await integration.switchSession('build');
   * await integration.executeCommand('make'); // runs in 'build'
   * ```
   */
  async switchSession(id: string): Promise<TmuxSession> {
    return this.check(await this.sessions.switchTo(this.ready(), id));
  }

  /**
   * The active session as last seen (its `cwd` as of its last command); `null` when there is none.
   *
   * @example
   * ```ts
   * console.log(integration.getActiveSession()?.cwd);
   * ```
   */
  getActiveSession(): TmuxSession | null {
    return this.sessions.table.active();
  }

  /**
   * Runs a command and resolves with its result, also when it fails (`success: false`) or times out
   * (`status: 'timed-out'`, after `options.timeout` or `commandTimeout`). Without `sessionId` it runs in the
   * active session; when there is none it creates and activates one named 'default'. Throws when the
   * backend could not run it (`SESSION_NOT_FOUND`, `INVALID_INPUT`, ...). A session lost before the command
   * reached it (`dispatched: false`) is re-created (same name, env, last cwd) by the manager and the command
   * runs there: by the integration's own manager in every mode, for an injected backend in 'reliability'
   * mode; never when the command may have run.
   *
   * @example
   * ```ts
   * const result = await integration.executeCommand('ls -la', { timeout: 5000, source: 'voice' });
   * if (result.success) speak(result.output);
   * ```
   */
  async executeCommand(command: string, options?: ExecuteOptions): Promise<CommandResult> {
    return this.check(await this.commands.execute(this.ready(), command, options));
  }

  /**
   * Runs commands one after another in the same shell (a failing command does not stop the batch), each
   * with the timeout. Same session choice, errors and recovery as `executeCommand`.
   *
   * @example
   * ```ts
   * const [cd, build] = await integration.executeBatch(['cd /srv/app', 'npm run build']);
   * ```
   */
  async executeBatch(commands: string[], options?: ExecuteOptions): Promise<CommandResult[]> {
    return this.check(await this.commands.batch(this.ready(), commands, options));
  }

  /**
   * Types keys into a session, like tmux `send-keys`: each argument that is a key name (Enter, C-m, Tab,
   * Escape, BSpace, Space, Up, Down, Left, Right, Home, End, PageUp/PPage, PageDown/NPage, Delete/DC,
   * C-a..C-z, M-x, ...) is sent as that key, anything else as text; with `literal` everything is text.
   * Without `sessionId` it types into the active session ('default', created, when there is none).
   *
   * @example
   * ```ts
   * await integration.sendKeys(['hello', 'Enter']); // answers a `read` of the running command
   * await integration.sendKeys('C-c');              // Ctrl-C
   * ```
   */
  async sendKeys(keys: string | string[], options?: SendKeysOptions): Promise<void> {
    this.check(await this.commands.sendKeys(this.ready(), keys, options));
  }

  /**
   * The last lines a session printed (its screen and scrollback, without vth's marks): `options.lines`,
   * at most and by default `captureBufferSize`. Without `sessionId`, the active session;
   * `SESSION_NOT_FOUND` when there is none.
   *
   * @example
   * ```ts
   * const screen = await integration.capturePane({ lines: 50 });
   * ```
   */
  async capturePane(options?: CapturePaneOptions): Promise<string> {
    return this.check(await this.commands.capture(this.ready(), options));
  }

  /**
   * `capturePane` with `captureBufferSize` lines, of `sessionId` or the active session.
   *
   * @example
   * ```ts
   * await integration.executeCommand('ls -la');
   * const output = await integration.getOutput();
   * ```
   */
  async getOutput(sessionId?: string): Promise<string> {
    return this.capturePane(sessionId === undefined ? {} : { sessionId });
  }

  /**
   * Ctrl-C to the running command of `sessionId` or the active session (escalating to SIGTERM and SIGKILL
   * on backends that can); the command ends 'interrupted'.
   *
   * @example
   * ```ts
   * await integration.interrupt();
   * ```
   */
  async interrupt(sessionId?: string): Promise<void> {
    this.ready();
    const id = this.check(this.sessions.target(sessionId));
    this.check(await this.route(id).interrupt(id));
  }

  /**
   * Resizes the terminal of `sessionId` or the active session.
   *
   * @example
   * ```ts
   * await integration.resize(160, 48);
   * ```
   */
  async resize(cols: number, rows: number, sessionId?: string): Promise<void> {
    this.ready();
    const id = this.check(this.sessions.target(sessionId));
    this.check(await this.route(id).resize(id, cols, rows));
  }

  /**
   * The last `limit` (default all, at most 1000) command results, oldest first, newest last.
   *
   * @example
   * ```ts
   * const [last] = integration.getCommandHistory(1);
   * ```
   */
  getCommandHistory(limit?: number): CommandResult[] {
    const n = this.check(parseInput(limitSchema, limit, 'limit'));
    return this.stats.recent(n ?? COMMAND_HISTORY_SIZE);
  }

  /**
   * Commands, latency and sessions of this integration, and the backend's own metrics.
   *
   * @example
   * ```ts
   * const { commands, latency, backendType } = integration.getPerformanceMetrics();
   * console.log(`${backendType}: ${commands.succeeded}/${commands.total} ok, p95 ${latency.p95} ms`);
   * ```
   */
  getPerformanceMetrics(): PerformanceMetrics {
    const selected = this.life.selected;
    if (selected === null) throw this.error('NOT_INITIALIZED', 'call initialize() first');
    const report = selected.experiments?.experimentReport(AB_EXPERIMENT);
    return {
      ...this.stats.figures(),
      sessions: { active: this.sessions.table.owned().length, created: this.sessions.table.created },
      backend: selected.backend.getMetrics(),
      backendType: selected.type,
      ...(report?.ok ? { experiment: report.value } : {}),
    };
  }

  /**
   * The backend's health; `unhealthy` (never a throw) before `initialize()` and after `shutdown()`.
   *
   * @example
   * ```ts
   * const { status, message } = await integration.getHealth();
   * ```
   */
  async getHealth(): Promise<BackendHealth> {
    const selected = this.life.isShutDown ? null : this.life.selected;
    if (selected === null) {
      return {
        status: 'unhealthy',
        message: this.life.isShutDown ? 'the integration has been shut down' : 'not initialized',
        checkedAt: Date.now(),
      };
    }
    try {
      return await selected.backend.getHealth();
    } catch (e) {
      return { status: 'unhealthy', message: toBackendError(e).message, checkedAt: Date.now() };
    }
  }

  /**
   * Destroys the sessions this integration created and shuts the backend down when it is its own (created
   * by it, or injected with `ownsBackend: true`). Safe to call twice; later calls wait for the first.
   *
   * @example
   * ```ts
   * process.on('SIGTERM', () => void integration.shutdown());
   * ```
   */
  shutdown(): Promise<void> {
    return this.life.shutdown();
  }

  private route(sessionId: string): ITerminalBackend {
    return this.sessions.route(this.ready(), sessionId);
  }

  private ready(): SelectedBackend {
    return this.life.ready();
  }

  /** The value of a successful result; a failure is thrown as a TmuxIntegrationError. */
  private check<T>(result: BackendResult<T>): T {
    if (!result.ok) throw this.raise(result.error);
    return result.value;
  }

  private error(code: BackendErrorCode, message: string): TmuxIntegrationError {
    return this.raise(new BackendError(code, message, { dispatched: false }));
  }

  /** Reports the error to `error` listeners (when there are any) and wraps it for throwing. */
  private raise(error: BackendError, message?: string): TmuxIntegrationError {
    emitErrorSafely(this, error);
    return new TmuxIntegrationError(error, message);
  }
}
