import { EventEmitter } from 'node:events';
import {
  BackendError,
  LIMITS,
  LatencyHistogram,
  createSessionOptionsSchema,
  emitErrorSafely,
  ok,
  paneIdSchema,
  parseInput,
  sessionIdSchema,
  toBackendError,
  type BackendErrorCode,
  type BackendHealth,
  type BackendResult,
  type CommandExecution,
  type CommandStartedEvent,
  type ExecutionContext,
  type ITerminalBackend,
  type OutputEvent,
  type SessionClosedEvent,
  type SessionInfo,
} from '@vth/core';
import { type FallbackFailure, type FallbackSuccess } from '@vth/factory';
import { BackendManager, type ExperimentReport } from '@vth/manager';
import { z } from 'zod';
import { CommandHistory } from './command-history';
import { toCommandResult, type CommandResult } from './command-result';
import { createDefaultFactory, describeDiscovery, type DiscoverySummary } from './default-factory';
import { type BackendSelectedEvent, type TmuxIntegrationEventMap } from './events';
import { type PerformanceMode } from './performance-modes';
import { type PerformanceMetrics } from './performance-metrics';
import {
  backendPlan,
  resolveConfig,
  type BackendSelectionStrategy,
  type ResolvedTmuxIntegrationConfig,
  type TmuxIntegrationConfig,
} from './tmux-integration-config';
import { TmuxIntegrationError } from './tmux-integration-error';
import { keysToInput } from './tmux-keys';
import { type TmuxSession, type TmuxSessionOptions } from './tmux-session';

/** Entries `getCommandHistory` keeps. */
export const COMMAND_HISTORY_SIZE = 1000;

/** The session `executeCommand` creates when there is no active session. */
export const DEFAULT_SESSION_NAME = 'default';

export interface ExecuteOptions {
  /** Default: the active session (created as 'default' when there is none). */
  sessionId?: string;
  paneId?: string;
  /** Milliseconds; default `commandTimeout`. The command then ends with status 'timed-out'. */
  timeout?: number;
  userId?: string;
  requestId?: string;
  /** Where the command came from, e.g. 'voice'. */
  source?: string;
  /** Output kept beyond this many bytes is cut from the middle (head and tail kept). */
  maxOutputBytes?: number;
}

export interface SendKeysOptions {
  /** Default: the active session (created as 'default' when there is none). */
  sessionId?: string;
  paneId?: string;
  /** Send the text as it is, without translating key names (tmux `send-keys -l`). */
  literal?: boolean;
}

export interface CapturePaneOptions {
  /** Default: the active session. */
  sessionId?: string;
  paneId?: string;
  /** The last this many lines; at most (and by default) `captureBufferSize`. */
  lines?: number;
}

/** The settings in effect, defaults applied. */
export interface TmuxIntegrationSettings {
  performanceMode: PerformanceMode;
  commandTimeout: number;
  captureBufferSize: number;
  maxSessions?: number;
  backendSelectionStrategy: BackendSelectionStrategy;
  fallbackBackends: string[];
  enableABTesting: boolean;
  /** 'reliability' mode: a session lost before a command reached it is re-created and the command retried once. */
  recreateLostSessions: boolean;
}

/** What the integration remembers of a session it created or switched to. */
interface KnownSession {
  info: SessionInfo;
  /** Created by this integration: destroyed by `shutdown()`. */
  owned: boolean;
  open: boolean;
  /** What it was created with, to re-create it in 'reliability' mode. */
  options: TmuxSessionOptions;
  /** Bumped on each re-creation, so a failure from before it does not re-create it again. */
  generation: number;
}

const nameSchema = sessionIdSchema;

const sessionOptionsSchema = z.strictObject(
  {
    ...createSessionOptionsSchema.pick({ cwd: true, env: true, cols: true, rows: true }).shape,
    userId: z.string({ error: 'must be a string' }).min(1).max(256).optional(),
  },
  { error: 'must be an object' },
);

/** The experiment `enableABTesting` runs: one variant per backend type that can be created. */
const AB_EXPERIMENT = 'backends';

const audit = {
  userId: z.string({ error: 'must be a string' }).max(256).optional(),
  requestId: z.string({ error: 'must be a string' }).max(256).optional(),
  source: z.string({ error: 'must be a string' }).max(64).optional(),
};

const executeOptionsSchema = z.strictObject(
  {
    sessionId: sessionIdSchema.optional(),
    paneId: paneIdSchema.optional(),
    timeout: z
      .number({ error: 'must be a number of milliseconds' })
      .int('must be an integer')
      .positive('must be positive')
      .max(LIMITS.timeoutMs, `must be at most ${LIMITS.timeoutMs}`)
      .optional(),
    ...audit,
    maxOutputBytes: z
      .number({ error: 'must be a number of bytes' })
      .int('must be an integer')
      .min(0, 'must not be negative')
      .max(LIMITS.outputBytes)
      .optional(),
  },
  { error: 'must be an object' },
);

const commandsSchema = z.array(z.string({ error: 'must be a string' }), {
  error: 'must be an array of commands',
});

const keysSchema = z.union(
  [z.string(), z.array(z.string({ error: 'must be a string' })).min(1, 'must name at least one key or text')],
  { error: 'must be a string or an array of strings' },
);

const sendKeysOptionsSchema = z.strictObject(
  {
    sessionId: sessionIdSchema.optional(),
    paneId: paneIdSchema.optional(),
    literal: z.boolean({ error: 'must be a boolean' }).optional(),
  },
  { error: 'must be an object' },
);

const captureOptionsSchema = z.strictObject(
  {
    sessionId: sessionIdSchema.optional(),
    paneId: paneIdSchema.optional(),
    lines: z
      .number({ error: 'must be a number of lines' })
      .int('must be an integer')
      .min(1, 'must be at least 1')
      .max(LIMITS.captureLines)
      .optional(),
  },
  { error: 'must be an object' },
);

const limitSchema = z
  .number({ error: 'must be a number' })
  .int('must be an integer')
  .min(0, 'must not be negative')
  .optional();

/** Failures after which the session is gone but the command certainly never ran. */
const LOST_SESSION_CODES: ReadonlySet<BackendErrorCode> = new Set(['SESSION_NOT_FOUND', 'BACKEND_CRASHED']);

function isCommandExecution(value: unknown): value is CommandExecution {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { id?: unknown }).id === 'string' &&
    typeof (value as { status?: unknown }).status === 'string' &&
    typeof (value as { durationMs?: unknown }).durationMs === 'number'
  );
}

/**
 * The legacy tmux integration API of voice-terminal projects, running on any vth backend: tmux when it can
 * be created, else the `fallbackBackends` in order, or a backend (a `BackendManager`) handed in. Methods
 * throw `TmuxIntegrationError` (the legacy API throws); a timed-out command is a result, not an error.
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
  private state: 'new' | 'ready' | 'shut-down' = 'new';
  private initializing: Promise<void> | null = null;
  private shuttingDown: Promise<void> | null = null;
  private backendRef: ITerminalBackend | null = null;
  private selectedType: string | null = null;
  private detachBackend: (() => void) | null = null;
  private readonly sessions = new Map<string, KnownSession>();
  private activeId: string | null = null;
  private creatingDefault: Promise<string> | null = null;
  private readonly recovering = new Map<string, Promise<BackendResult<void>>>();
  /** Sessions being created right now, counted against `maxSessions`. */
  private pendingCreates = 0;
  private nameCounter = 0;
  private sessionsCreated = 0;
  private readonly history = new CommandHistory<CommandResult>(COMMAND_HISTORY_SIZE);
  private readonly latency = new LatencyHistogram();
  private readonly counts = { total: 0, succeeded: 0, failed: 0, timedOut: 0 };

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
  }

  /** The type of the backend in use ('tmux', 'node-pty', ...); `null` before `initialize()`. */
  get backendType(): string | null {
    return this.selectedType;
  }

  /** The backend in use, for what the legacy API does not cover; `null` before `initialize()`. */
  get backend(): ITerminalBackend | null {
    return this.backendRef;
  }

  /** The settings in effect, defaults applied. */
  get settings(): TmuxIntegrationSettings {
    const c = this.config;
    return {
      performanceMode: c.performanceMode,
      commandTimeout: c.commandTimeout,
      captureBufferSize: c.captureBufferSize,
      ...(c.maxSessions === undefined ? {} : { maxSessions: c.maxSessions }),
      backendSelectionStrategy: c.backendSelectionStrategy,
      fallbackBackends: [...c.fallbackBackends],
      enableABTesting: c.enableABTesting,
      recreateLostSessions: c.recreateLostSessions,
    };
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
  async initialize(): Promise<void> {
    if (this.state === 'shut-down') throw this.error('NOT_INITIALIZED', 'the integration has been shut down');
    if (this.state === 'ready') return;
    this.initializing ??= this.start().catch((e: unknown) => {
      this.initializing = null;
      throw e;
    });
    await this.initializing;
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
    const backend = this.ready();
    const id = name === undefined ? this.nextSessionName() : this.check(parseInput(nameSchema, name, 'name'));
    const opts = this.check(parseInput(sessionOptionsSchema, options ?? {}, 'options'));
    const known = this.sessions.get(id);
    if (known?.open) throw this.error('INVALID_INPUT', `a session named "${id}" already exists`);
    const max = this.config.maxSessions;
    if (max !== undefined && this.openOwnedSessions() + this.pendingCreates >= max) {
      throw this.error('BUSY', `this integration already holds its maximum of ${max} sessions (maxSessions)`);
    }
    this.pendingCreates++;
    let created: BackendResult<SessionInfo>;
    const { userId, ...sessionOptions } = opts;
    try {
      created = await backend.createSession(
        { sessionId: id, ...sessionOptions },
        userId === undefined ? undefined : { userId },
      );
    } finally {
      this.pendingCreates--;
    }
    const info = this.check(created);
    return this.adoptCreated(info, opts, known);
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
    const backend = this.ready();
    const sessionId = this.check(parseInput(sessionIdSchema, id, 'id'));
    const destroyed = await backend.destroySession(sessionId);
    this.sessions.delete(sessionId);
    if (this.activeId === sessionId) this.activeId = null;
    this.check(destroyed);
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
    const backend = this.ready();
    const listed = this.check(await backend.listSessions());
    return listed.filter((info) => info.alive !== false).map((info) => this.toTmuxSession(info));
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
    const backend = this.ready();
    const sessionId = this.check(parseInput(sessionIdSchema, id, 'id'));
    const known = this.sessions.get(sessionId);
    if (known?.open) {
      this.activeId = sessionId;
      return this.toTmuxSession(known.info);
    }
    const listed = this.check(await backend.listSessions());
    const info = listed.find((s) => s.id === sessionId && s.alive !== false);
    if (info === undefined) throw this.error('SESSION_NOT_FOUND', `no session "${sessionId}" on the backend`);
    this.sessions.set(sessionId, {
      info,
      owned: known?.owned ?? false,
      open: true,
      options: known?.options ?? {},
      generation: known?.generation ?? 0,
    });
    this.activeId = sessionId;
    return this.toTmuxSession(info);
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
    if (this.activeId === null) return null;
    const known = this.sessions.get(this.activeId);
    return known === undefined ? null : this.toTmuxSession(known.info);
  }

  /**
   * Runs a command and resolves with its result, also when it fails (`success: false`) or times out
   * (`status: 'timed-out'`, after `options.timeout` or `commandTimeout`). Without `sessionId` it runs in the
   * active session; when there is none it creates and activates one named 'default'. Throws when the
   * backend could not run it (`SESSION_NOT_FOUND`, `INVALID_INPUT`, ...). In 'reliability' mode a session
   * lost before the command reached it (`dispatched: false`) is re-created once (same name, last cwd) and
   * the command retried; never when the command may have run.
   *
   * @example
   * ```ts
   * const result = await integration.executeCommand('ls -la', { timeout: 5000, source: 'voice' });
   * if (result.success) speak(result.output);
   * ```
   */
  async executeCommand(command: string, options?: ExecuteOptions): Promise<CommandResult> {
    const backend = this.ready();
    const opts = this.check(parseInput(executeOptionsSchema, options ?? {}, 'options'));
    const sessionId = opts.sessionId ?? (await this.activeOrDefault());
    const context = this.contextFor(opts);
    const run = await this.withRecovery(sessionId, (sid) =>
      backend.executeCommand(sid, command, opts.paneId, context),
    );
    if (!run.ok) {
      this.countFailure();
      throw this.raise(run.error);
    }
    return this.recordResult(run.value);
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
    const backend = this.ready();
    const cmds = this.check(parseInput(commandsSchema, commands, 'commands'));
    const opts = this.check(parseInput(executeOptionsSchema, options ?? {}, 'options'));
    const sessionId = opts.sessionId ?? (await this.activeOrDefault());
    const context = this.contextFor(opts);
    const run = await this.withRecovery(sessionId, (sid) =>
      backend.executeBatch(sid, cmds, opts.paneId, context),
    );
    if (!run.ok) {
      // The commands that ran before the failure are real results: count and keep them.
      const ran = run.error.details?.['executions'];
      if (Array.isArray(ran)) for (const e of ran) if (isCommandExecution(e)) this.recordResult(e);
      this.countFailure();
      throw this.raise(run.error);
    }
    return run.value.map((e) => this.recordResult(e));
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
    const backend = this.ready();
    const parsedKeys = this.check(parseInput(keysSchema, keys, 'keys'));
    const opts = this.check(parseInput(sendKeysOptionsSchema, options ?? {}, 'options'));
    const sessionId = opts.sessionId ?? (await this.activeOrDefault());
    const list = typeof parsedKeys === 'string' ? [parsedKeys] : parsedKeys;
    const data = keysToInput(list, opts.literal ?? false);
    if (data === '') return;
    this.check(await backend.sendInput(sessionId, data, opts.paneId));
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
    const backend = this.ready();
    const opts = this.check(parseInput(captureOptionsSchema, options ?? {}, 'options'));
    const sessionId = opts.sessionId ?? this.requireActive();
    const lines = Math.min(opts.lines ?? this.config.captureBufferSize, this.config.captureBufferSize);
    return this.check(await backend.capture(sessionId, opts.paneId, { lines }));
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
    const backend = this.ready();
    const id = this.targetOrActive(sessionId);
    this.check(await backend.interrupt(id));
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
    const backend = this.ready();
    const id = this.targetOrActive(sessionId);
    this.check(await backend.resize(id, cols, rows));
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
    return this.history.recent(n ?? COMMAND_HISTORY_SIZE);
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
    const backend = this.backendRef;
    if (backend === null) throw this.error('NOT_INITIALIZED', 'call initialize() first');
    const summary = this.latency.summary();
    return {
      commands: { ...this.counts },
      latency: { p50: summary.p50, p95: summary.p95, p99: summary.p99, mean: summary.mean },
      sessions: { active: this.openOwnedSessions(), created: this.sessionsCreated },
      backend: backend.getMetrics(),
      backendType: this.selectedType ?? backend.type,
      ...(this.abReport() ?? {}),
    };
  }

  /** The A/B experiment's report, when `enableABTesting` runs one on the integration's own manager. */
  private abReport(): { experiment: ExperimentReport } | undefined {
    const backend = this.backendRef;
    if (!this.config.enableABTesting || this.config.backend !== undefined || backend === null)
      return undefined;
    const report = (backend as BackendManager).experimentReport(AB_EXPERIMENT);
    return report.ok ? { experiment: report.value } : undefined;
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
    if (this.state !== 'ready' || this.backendRef === null) {
      return {
        status: 'unhealthy',
        message: this.state === 'shut-down' ? 'the integration has been shut down' : 'not initialized',
        checkedAt: Date.now(),
      };
    }
    try {
      return await this.backendRef.getHealth();
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
    this.shuttingDown ??= this.stop();
    return this.shuttingDown;
  }

  private async start(): Promise<void> {
    let selected: Omit<BackendSelectedEvent, 'backendId'> & { backend: ITerminalBackend };
    if (this.config.backend !== undefined) {
      selected = { backend: this.config.backend, type: this.config.backend.type, failures: [] };
    } else {
      selected = await this.createBackend();
    }
    const { backend, ...event } = selected;
    if (this.state === 'shut-down') {
      if (this.config.ownsBackend) await backend.shutdown();
      throw this.error('NOT_INITIALIZED', 'the integration was shut down while it was initializing');
    }
    this.backendRef = backend;
    this.selectedType = event.type;
    this.attach(backend);
    this.state = 'ready';
    this.emit('backend-selected', { ...event, backendId: backend.id });
  }

  /**
   * A `BackendManager` over tmux and the fallback backends (those the factory knows), with the configured
   * strategy, and with `enableABTesting` an experiment comparing them. The selected type is the backend new
   * sessions go to first; `failures` name the types that could not be created.
   */
  private async createBackend(): Promise<FallbackSuccess & { discovery?: DiscoverySummary }> {
    let factory = this.config.factory;
    let discovery: DiscoverySummary | undefined;
    if (factory === undefined) ({ factory, discovery } = await createDefaultFactory(process.cwd()));
    const why = discovery === undefined ? '' : ` (${describeDiscovery(discovery)})`;
    const { types, configs } = backendPlan(this.config);
    const failures: FallbackFailure[] = [];
    const reasons: string[] = [];
    const known: string[] = [];
    const registered = factory.list().map((p) => p.type);
    const listed = registered.length > 0 ? registered.join(', ') : 'none';
    for (const type of types) {
      if (factory.has(type)) {
        known.push(type);
        continue;
      }
      failures.push({
        type,
        error: new BackendError('UNAVAILABLE', `unknown backend type "${type}" (registered: ${listed})`, {
          dispatched: false,
        }),
      });
      reasons.push(`${type}: not registered (registered: ${listed})`);
    }
    if (known.length === 0) {
      throw this.raise(
        new BackendError('UNAVAILABLE', `no backend could be created: ${reasons.join('; ')}`, {
          dispatched: false,
          details: { attempts: failures },
        }),
        `no backend could be created: ${reasons.join('; ')}${why}`,
      );
    }
    if (this.config.enableABTesting && known.length < 2) {
      throw this.error(
        'INVALID_CONFIG',
        `enableABTesting compares backend types, and only ${known.join(', ')} can be created here; ` +
          'name another in fallbackBackends (and install its plugin)',
      );
    }
    const manager = new BackendManager({ factory });
    manager.on('backend-ejected', (e) => {
      if (!e.reason.startsWith('it could not be started')) return;
      const type = manager.backends().find((b) => b.id === e.backendId)?.type ?? e.backendId;
      failures.push({ type, error: new BackendError('UNAVAILABLE', e.reason, { dispatched: false }) });
    });
    const spec = (type: string) => ({ type, id: type, config: configs[type] ?? {} });
    const started = await manager.initialize({
      backends: known.map(spec),
      strategy: this.config.backendSelectionStrategy,
      experiments: this.config.enableABTesting
        ? [{ name: AB_EXPERIMENT, variants: known.map((type) => ({ name: type, backends: [spec(type)] })) }]
        : [],
    });
    if (!started.ok) {
      await manager.shutdown();
      const attempts = [
        ...reasons,
        started.error.message.replace(/^no backend of the pool could be started: /, ''),
      ];
      throw this.raise(
        new BackendError('UNAVAILABLE', `no backend could be created: ${attempts.join('; ')}`, {
          dispatched: false,
          cause: started.error,
          details: { attempts: [...failures, ...known.map((type) => ({ type, error: started.error }))] },
        }),
        `no backend could be created: ${attempts.join('; ')}${why}`,
      );
    }
    const first = manager.backends().find((b) => b.group === 'main' && b.running && !b.ejected);
    return {
      backend: manager,
      type: first?.type ?? known[0]!,
      failures,
      ...(discovery === undefined ? {} : { discovery }),
    };
  }

  private async stop(): Promise<void> {
    this.state = 'shut-down';
    if (this.initializing) await this.initializing.catch(() => undefined);
    const backend = this.backendRef;
    if (backend === null) return;
    const own = [...this.sessions.values()].filter((s) => s.owned && s.open);
    await Promise.all(
      own.map(async (s) => {
        const destroyed = await backend.destroySession(s.info.id);
        // Gone already is what we wanted.
        if (!destroyed.ok && destroyed.error.code !== 'SESSION_NOT_FOUND') {
          emitErrorSafely(this, destroyed.error);
        }
      }),
    );
    if (this.config.ownsBackend) {
      try {
        await backend.shutdown();
      } catch (e) {
        emitErrorSafely(this, toBackendError(e, 'INTERNAL', { dispatched: false }));
      }
    }
    this.detachBackend?.();
    this.detachBackend = null;
    this.sessions.clear();
    this.activeId = null;
  }

  /**
   * Forwards the backend's events. A listener of ours that throws must not break the backend's own
   * handling (it emits from inside its output processing): the exception goes to our `error` listeners,
   * or, when there are none, is rethrown on a later tick, where Node reports it as it would any listener's.
   */
  private attach(backend: ITerminalBackend): void {
    const guard =
      <A extends unknown[]>(handler: (...args: A) => void) =>
      (...args: A) => {
        try {
          handler(...args);
        } catch (e) {
          if (this.listenerCount('error') > 0) {
            emitErrorSafely(this, toBackendError(e, 'INTERNAL', { dispatched: false }));
          } else {
            process.nextTick(() => {
              throw e;
            });
          }
        }
      };
    const onOutput = guard((e: OutputEvent) =>
      this.emit('output-received', {
        sessionId: e.sessionId,
        paneId: e.paneId,
        data: e.data,
        ...(e.commandId === undefined ? {} : { commandId: e.commandId }),
      }),
    );
    const onClosed = guard((e: SessionClosedEvent) => {
      this.onSessionClosed(e);
      this.emit('session-closed', e);
    });
    const onStarted = guard((e: CommandStartedEvent) => this.emit('command-started', e));
    backend.on('output', onOutput);
    backend.on('session-closed', onClosed);
    backend.on('command-started', onStarted);
    this.detachBackend = () => {
      backend.off('output', onOutput);
      backend.off('session-closed', onClosed);
      backend.off('command-started', onStarted);
    };
  }

  private onSessionClosed(event: SessionClosedEvent): void {
    const known = this.sessions.get(event.sessionId);
    if (known === undefined) return;
    known.open = false;
    // Kept while it may be re-created (reliability mode) or is the active session, whose loss the next
    // command should report rather than silently run elsewhere.
    if (!this.config.recreateLostSessions && this.activeId !== event.sessionId) {
      this.sessions.delete(event.sessionId);
    }
  }

  private adoptCreated(info: SessionInfo, options: TmuxSessionOptions, previous?: KnownSession): TmuxSession {
    this.sessions.set(info.id, {
      info,
      owned: true,
      open: true,
      options,
      generation: (previous?.generation ?? 0) + 1,
    });
    this.sessionsCreated++;
    if (this.activeId === null) this.activeId = info.id;
    const session = this.toTmuxSession(info);
    this.emit('session-created', session);
    return session;
  }

  /** The active session, or 'default' (created once, also under concurrent calls) when there is none. */
  private async activeOrDefault(): Promise<string> {
    if (this.activeId !== null) return this.activeId;
    const existing = this.sessions.get(DEFAULT_SESSION_NAME);
    if (existing?.open) {
      this.activeId = DEFAULT_SESSION_NAME;
      return DEFAULT_SESSION_NAME;
    }
    this.creatingDefault ??= this.createSession(DEFAULT_SESSION_NAME)
      .then((s) => s.id)
      .finally(() => {
        this.creatingDefault = null;
      });
    const id = await this.creatingDefault;
    this.activeId ??= id;
    return this.activeId;
  }

  private requireActive(): string {
    if (this.activeId === null) {
      throw this.error(
        'SESSION_NOT_FOUND',
        'there is no active session: create one with createSession() or pass a sessionId',
      );
    }
    return this.activeId;
  }

  private targetOrActive(sessionId: string | undefined): string {
    if (sessionId === undefined) return this.requireActive();
    return this.check(parseInput(sessionIdSchema, sessionId, 'sessionId'));
  }

  /**
   * Runs `call`; in 'reliability' mode, when it failed because the session was gone before the command
   * reached it (`dispatched: false`), re-creates the session once and runs `call` again.
   */
  private async withRecovery<T>(
    sessionId: string,
    call: (sessionId: string) => Promise<BackendResult<T>>,
  ): Promise<BackendResult<T>> {
    const generation = this.sessions.get(sessionId)?.generation ?? 0;
    const first = await call(sessionId);
    if (first.ok || !this.config.recreateLostSessions) return first;
    if (first.error.dispatched || !LOST_SESSION_CODES.has(first.error.code)) return first;
    const recovered = await this.recoverSession(sessionId, generation);
    if (!recovered.ok) {
      emitErrorSafely(this, recovered.error);
      return first;
    }
    return call(sessionId);
  }

  private recoverSession(sessionId: string, generation: number): Promise<BackendResult<void>> {
    const known = this.sessions.get(sessionId);
    // Re-created since this command started: just retry in the new one.
    if (known !== undefined && known.generation !== generation) return Promise.resolve(ok());
    const pending = this.recovering.get(sessionId);
    if (pending) return pending;
    const recovery = this.recreate(sessionId, known).finally(() => this.recovering.delete(sessionId));
    this.recovering.set(sessionId, recovery);
    return recovery;
  }

  private async recreate(sessionId: string, known: KnownSession | undefined): Promise<BackendResult<void>> {
    const backend = this.ready();
    // A crashed session may still be registered; the id must be free for the new one.
    await backend.destroySession(sessionId);
    const cwd = known?.info.cwd ?? known?.options.cwd;
    const options: TmuxSessionOptions = { ...known?.options, ...(cwd === undefined ? {} : { cwd }) };
    const { userId, ...sessionOptions } = options;
    const created = await backend.createSession(
      { sessionId, ...sessionOptions },
      userId === undefined ? undefined : { userId },
    );
    if (!created.ok) return created;
    const wasActive = this.activeId === sessionId;
    this.adoptCreated(created.value, known?.options ?? {}, known);
    if (wasActive) this.activeId = sessionId;
    return ok();
  }

  private contextFor(opts: z.output<typeof executeOptionsSchema>): ExecutionContext {
    return {
      timeoutMs: opts.timeout ?? this.config.commandTimeout,
      ...(opts.userId === undefined ? {} : { userId: opts.userId }),
      ...(opts.requestId === undefined ? {} : { requestId: opts.requestId }),
      ...(opts.source === undefined ? {} : { source: opts.source }),
      ...(opts.maxOutputBytes === undefined ? {} : { maxOutputBytes: opts.maxOutputBytes }),
    };
  }

  private recordResult(execution: CommandExecution): CommandResult {
    const result = toCommandResult(execution);
    this.counts.total++;
    if (result.success) this.counts.succeeded++;
    else if (result.status === 'timed-out') this.counts.timedOut++;
    else this.counts.failed++;
    this.latency.record(result.duration);
    this.history.push(result);
    const known = this.sessions.get(result.sessionId);
    if (known !== undefined && result.cwd !== undefined) known.info = { ...known.info, cwd: result.cwd };
    this.emit('command-executed', result);
    return result;
  }

  private countFailure(): void {
    this.counts.total++;
    this.counts.failed++;
  }

  private toTmuxSession(info: SessionInfo): TmuxSession {
    const known = this.sessions.get(info.id);
    const cwd = info.cwd ?? known?.info.cwd;
    return {
      id: info.id,
      name: info.id,
      createdAt: info.createdAt,
      panes: [...info.panes],
      backendId: info.backendId,
      ...(cwd === undefined ? {} : { cwd }),
      active: info.id === this.activeId,
    };
  }

  private nextSessionName(): string {
    let name: string;
    do name = `session-${++this.nameCounter}`;
    while (this.sessions.get(name)?.open);
    return name;
  }

  private openOwnedSessions(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.owned && s.open) n++;
    return n;
  }

  private ready(): ITerminalBackend {
    if (this.state === 'ready' && this.backendRef !== null) return this.backendRef;
    throw this.error(
      'NOT_INITIALIZED',
      this.state === 'shut-down' ? 'the integration has been shut down' : 'call initialize() first',
    );
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
