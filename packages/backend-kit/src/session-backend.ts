import { EventEmitter } from 'node:events';
import {
  callSchemas,
  captureOptionsSchema,
  createSessionOptionsSchema,
  fail,
  ok,
  terminalSizeSchema,
  type BackendCapabilities,
  type BackendConfig,
  type BackendErrorCode,
  type BackendEventMap,
  type BackendHealth,
  type BackendMetrics,
  type BackendResult,
  type CallSchemas,
  type CaptureOptions,
  type CommandExecution,
  type CommandOutput,
  type CommandWaitResult,
  type CreateSessionOptions,
  type ExecutionContext,
  type ITerminalBackend,
  type ReadOutputOptions,
  type SessionInfo,
  type WaitForOptions,
} from '@vth/core';
import {
  claimSessionId,
  lastLines,
  lookupSession,
  MetricsRecorder,
  parseExecutionContext,
  parseInput,
  targetSinglePane,
  type SessionTable,
} from '@vth/core/kit';
import { type ZodType } from 'zod';
import { HealthReporter } from './backend-health';
import { BackendLifecycle } from './backend-lifecycle';
import { CreateAdmission } from './create-admission';
import { LongCommands } from './long-commands';
import { OwnerEndings } from './owner-endings';
import {
  type BackendSession,
  type BackendState,
  type SessionBackendConfig,
  type SessionBackendOptions,
  type SessionOptions,
  type SessionPane,
} from './session-parts';

export { type SessionBackendOptions, type SessionOptions } from './session-parts';

/**
 * The part every session backend shares, so a backend writes only what differs: start what it runs on
 * (`start`), open a session (`openSession`), end sessions (`endSessions`), resize a pane (`resizePane`),
 * report its health (`getHealth`). The base holds the lifecycle (`initialize` once, `shutdown` once and
 * waited for), the checks of every call in the order the conformance suite expects (ready, session,
 * pane, context, arguments), the delegation of commands, input and interrupts to the pane's
 * `SessionRunner`, `capture` from a kept scrollback, `output` events, session info, and the metrics and
 * `error` events of every failed call.
 *
 * @example
 * ```ts
 * class MyBackend extends SessionBackend<MySession, MyConfig> {
 *   readonly type = 'mine';
 *   readonly capabilities = { ...INTERACTIVE_SHELL_CAPABILITIES };
 *   constructor(config: MyConfigInput = {}) {
 *     super({ id: config.id ?? createId('mine'), initial: config, singlePane: '0' });
 *   }
 *   // start, openSession, endSessions, resizePane, getHealth
 * }
 * ```
 */
export abstract class SessionBackend<
  S extends BackendSession,
  C extends SessionBackendConfig,
  P extends SessionPane = S & SessionPane,
>
  extends EventEmitter<BackendEventMap>
  implements ITerminalBackend
{
  abstract readonly type: string;
  abstract readonly capabilities: BackendCapabilities;
  /** Named in every error and event; `initialize` adopts the config's `id` when it has one. */
  protected backendId: string;
  /** The validated config; `null` until `initialize` succeeded. */
  protected config: C | null = null;
  /** The schemas that check each call's input against the config's limits; `null` until initialized. */
  protected schemas: CallSchemas | null = null;
  /** Live sessions, and sessions being ended until they are gone. */
  protected readonly sessions = new Map<string, S>();
  /** Ids of sessions being created. */
  protected readonly pending = new Set<string>();
  /** Bounds the creates running at once (`maxConcurrentCreates`); the others wait in call order. */
  protected readonly admission: CreateAdmission;
  /** What `getMetrics` reports: `record` feeds it each call's result. */
  protected readonly metrics = new MetricsRecorder();
  /** Made once: every call looks a session up. The id and kind are read late (`initialize` may set the id). */
  protected readonly table: SessionTable<S> & { pane: string; kind: string };
  private readonly initial: object | undefined;
  private readonly healthEvents: boolean;
  private readonly health = new HealthReporter(this);
  /** Commands followed by handle (`yieldAfterMs`), per pane. */
  private readonly long: LongCommands<P>;
  private readonly ownerEndings = new OwnerEndings();
  private readonly lifecycle = new BackendLifecycle({
    start: async (config) => this.record(await this.start(config)),
    stop: (wasReady) => this.stop(wasReady),
    closing: () => this.admission.close('the backend has been shut down'),
    stopped: async () => {
      await this.long.close();
      this.healthMayHaveChanged();
    },
    readied: () => this.healthMayHaveChanged(),
    refuse: (message) => this.error('NOT_INITIALIZED', message),
  });

  constructor(options: SessionBackendOptions) {
    super();
    this.backendId = options.id;
    this.initial = options.initial;
    this.healthEvents = options.healthEvents ?? false;
    const backendId = () => this.backendId;
    const kind = () => this.type;
    this.admission = new CreateAdmission(() => this.config?.maxConcurrentCreates ?? Infinity, backendId);
    this.long = new LongCommands<P>({
      id: backendId,
      enabled: () => this.yieldsHere(),
      target: (sessionId, paneId) => this.target(sessionId, paneId),
      paneIdOf: (pane) => this.paneIdOf(pane),
      closing: (sessionId) =>
        this.sessions.get(sessionId)?.closing ?? this.ownerEndings.reason(sessionId) ?? null,
    });
    this.table = {
      sessions: this.sessions,
      get backendId() {
        return backendId();
      },
      isClosing: (s: S) => s.closing !== null,
      pane: options.singlePane ?? '',
      get kind() {
        return kind();
      },
    };
  }

  get id(): string {
    return this.backendId;
  }

  /** Where the backend is in its life; calls other than `initialize` need `ready` (`crashed`: start afresh). */
  protected get state(): BackendState {
    return this.lifecycle.state;
  }

  /** Moves the backend to `state` (a backend that lost what runs it sets `crashed`). */
  protected set state(state: BackendState) {
    this.lifecycle.state = state;
  }

  /**
   * Starts the backend. Calls made while a start is under way join it (and get its result, whatever config
   * they pass); a `shutdown()` meanwhile waits for the start, then ends what it started.
   */
  initialize(config: BackendConfig = {}): Promise<BackendResult<void>> {
    return this.lifecycle.initialize(config);
  }

  /**
   * Creates a session. At most `maxConcurrentCreates` creates run at once; the others wait their turn in
   * call order, their id already claimed. A waiting create gives up when `context.signal` aborts or
   * `context.timeoutMs` passes (`TIMEOUT`, `dispatched: false`: nothing was started); once its turn came,
   * the backend's own timeouts apply.
   */
  async createSession(
    options: CreateSessionOptions = {},
    context?: ExecutionContext,
  ): Promise<BackendResult<SessionInfo>> {
    const ready = this.ready();
    if (!ready.ok) return this.record(ready);
    const opts = parseInput(createSessionOptionsSchema, options ?? {}, 'options');
    if (!opts.ok) return this.record(opts);
    const ctx = parseExecutionContext(context);
    if (!ctx.ok) return this.record(ctx);
    const refused = this.refuseOptions(opts.value);
    if (refused) return this.record(refused);
    const claimed = claimSessionId(opts.value.sessionId, {
      sessions: this.sessions,
      pending: this.pending,
      maxSessions: ready.value.maxSessions,
      backendId: this.id,
    });
    if (!claimed.ok) return this.record(claimed);
    const id = claimed.value;
    this.pending.add(id);
    try {
      const opened = await this.admission.run(
        { signal: ctx.value.signal, timeoutMs: ctx.value.timeoutMs },
        async () => {
          // A shutdown while it waited: nothing may start now.
          const still = this.ready();
          return still.ok ? this.openSession(id, opts.value, still.value) : still;
        },
        // The session is usable, but its start may still cost: the turn passes on once it is done.
        (session) => this.stillStarting(session),
      );
      if (!opened.ok) return this.record(opened);
      this.metrics.sessionCreated();
      const info = this.info(opened.value);
      this.emit('session-created', info);
      return ok(info);
    } finally {
      this.pending.delete(id);
    }
  }

  async destroySession(sessionId: string): Promise<BackendResult<void>> {
    const found = this.lookup(sessionId);
    if (!found.ok) return this.record(found);
    found.value.closing = 'destroyed';
    this.ownerEndings.remember(sessionId, 'destroyed');
    await this.endSessions([found.value], 'destroyed');
    return ok();
  }

  async listSessions(): Promise<BackendResult<SessionInfo[]>> {
    const ready = this.ready();
    if (!ready.ok) return this.record(ready);
    const infos: SessionInfo[] = [];
    for (const session of this.sessions.values())
      if (session.closing === null) infos.push(this.info(session));
    return ok(infos);
  }

  async executeCommand(
    sessionId: string,
    command: string,
    paneId?: string,
    context: ExecutionContext = {},
  ): Promise<BackendResult<CommandExecution>> {
    // Read once, at the boundary: the runner gets a frozen copy and a signal of our own.
    const ctx = parseExecutionContext(context);
    const target = this.target(sessionId, paneId);
    if (!target.ok) return this.record(target);
    if (!ctx.ok) return this.record(ctx);
    const cmd = parseInput(this.schemas!.command, command, 'command');
    if (!cmd.ok) return this.record(cmd);
    return this.record(await this.long.execute(target.value, sessionId, cmd.value, ctx.value));
  }

  async executeBatch(
    sessionId: string,
    commands: string[],
    paneId?: string,
    context: ExecutionContext = {},
  ): Promise<BackendResult<CommandExecution[]>> {
    const ctx = parseExecutionContext(context);
    const target = this.target(sessionId, paneId);
    if (!target.ok) return this.record(target);
    if (!ctx.ok) return this.record(ctx);
    const cmds = parseInput(this.schemas!.commands, commands, 'commands');
    if (!cmds.ok) return this.record(cmds);
    const busy = this.long.busy(target.value);
    if (busy) return this.record(busy);
    return this.record(await target.value.runner.executeBatch(cmds.value, ctx.value));
  }

  async sendInput(sessionId: string, data: string, paneId?: string): Promise<BackendResult<void>> {
    const target = this.target(sessionId, paneId);
    if (!target.ok) return this.record(target);
    const input = parseInput(this.schemas!.input, data, 'data');
    if (!input.ok) return this.record(input);
    target.value.runner.sendInput(input.value);
    return ok();
  }

  async interrupt(sessionId: string, paneId?: string): Promise<BackendResult<void>> {
    const target = this.target(sessionId, paneId);
    if (!target.ok) return this.record(target);
    target.value.runner.interrupt();
    return ok();
  }

  async capture(
    sessionId: string,
    paneId?: string,
    options: CaptureOptions = {},
  ): Promise<BackendResult<string>> {
    const target = this.target(sessionId, paneId);
    if (!target.ok) return this.record(target);
    const opts = parseInput(captureOptionsSchema, options ?? {}, 'options');
    if (!opts.ok) return this.record(opts);
    return this.record(await this.captureText(target.value, opts.value.lines));
  }

  async resize(sessionId: string, cols: number, rows: number, paneId?: string): Promise<BackendResult<void>> {
    const target = this.target(sessionId, paneId);
    if (!target.ok) return this.record(target);
    const c = parseInput(terminalSizeSchema, cols, 'cols');
    if (!c.ok) return this.record(c);
    const r = parseInput(terminalSizeSchema, rows, 'rows');
    if (!r.ok) return this.record(r);
    return this.record(await this.resizePane(target.value, c.value, r.value, paneId));
  }

  /**
   * New output of a command that yielded (`yieldAfterMs`), by byte offset; see `ITerminalBackend.readOutput`.
   * Once the command's session is gone, its handles answer `SESSION_NOT_FOUND` (`dispatched: true`): a
   * call already waiting when the command ends answers its final status first.
   */
  async readOutput(handle: string, options: ReadOutputOptions = {}): Promise<BackendResult<CommandOutput>> {
    return this.record(await this.long.read(this.ready(), handle, options));
  }

  /** Waits for a yielded command's output to match, go quiet, or end; see `ITerminalBackend.waitFor`. */
  async waitFor(handle: string, options: WaitForOptions): Promise<BackendResult<CommandWaitResult>> {
    return this.record(await this.long.waitFor(this.ready(), handle, options));
  }

  abstract getHealth(): Promise<BackendHealth>;

  getMetrics(): BackendMetrics {
    return this.metrics.snapshot(this.id, this.type, this.sessions.size);
  }

  /** Ends everything the backend started (see `stop`); every call resolves when it is gone. */
  shutdown(): Promise<void> {
    return this.lifecycle.shutdown();
  }

  // ---- what a backend writes ----

  /**
   * Whether this process follows yielded commands itself (`LongCommands`): when the backend declares
   * `capabilities.longCommands`. A backend whose runner passes `yieldAfterMs` on to where the command
   * runs (a remote one) answers `false` and serves `readOutput` / `waitFor` itself.
   */
  protected yieldsHere(): boolean {
    return this.capabilities.longCommands === true;
  }

  /** Validates `config` (see `parseConfig`), adopts it (`adopt`) and starts what the backend runs on. */
  protected abstract start(config: BackendConfig): Promise<BackendResult<void>>;

  /**
   * Opens session `id` (claimed: no other call uses it meanwhile) and adds it to `sessions`. Failures are
   * returned unrecorded: `createSession` records them.
   */
  protected abstract openSession(id: string, options: SessionOptions, config: C): Promise<BackendResult<S>>;

  /**
   * Ends these sessions (their `closing` says why: `destroyed` or `shutdown`; one already being ended keeps
   * its reason) and resolves once they are gone.
   */
  protected abstract endSessions(sessions: readonly S[], reason: 'destroyed' | 'shutdown'): Promise<void>;

  /** Gives the pane's terminal a new size; `paneId` is as the caller gave it. Failures are returned unrecorded. */
  protected abstract resizePane(
    pane: P,
    cols: number,
    rows: number,
    paneId: string | undefined,
  ): Promise<BackendResult<void>>;

  /** What `shutdown` ends, once: by default every session. `wasReady`: the backend was initialized. */
  protected async stop(_wasReady: boolean): Promise<void> {
    await this.endAllSessions();
  }

  /**
   * What a new session still does after `openSession` returned it (a shell that finishes starting in the
   * background): its create keeps its turn (`maxConcurrentCreates`) until this settles. By default nothing.
   */
  protected stillStarting(_session: S): Promise<unknown> | undefined {
    return undefined;
  }

  /** A refusal of valid options this backend cannot honour, before an id is claimed; `null` to go on. */
  protected refuseOptions(_options: SessionOptions): BackendResult<never> | null {
    return null;
  }

  /** The pane's recent output, its last `lines` lines at most; by default from the scrollback kept here. */
  protected async captureText(pane: P, lines: number | undefined): Promise<BackendResult<string>> {
    const text = pane.output.scrollback?.read().text ?? '';
    return ok(lines === undefined ? text : lastLines(text, lines));
  }

  // ---- shared steps ----

  /** `config` over the constructor's config, validated: `INVALID_CONFIG` naming each bad path. */
  protected parseConfig(schema: ZodType<C>, config: BackendConfig): BackendResult<C> {
    return parseInput(schema, { ...this.initial, ...config }, 'config', 'INVALID_CONFIG');
  }

  /** Adopts a validated config: its `id` names the backend from now on, and its command limits apply. */
  protected adopt(config: C): void {
    if (config.id) this.backendId = config.id;
    this.config = config;
    this.schemas = callSchemas(config.maxCommandBytes);
  }

  /** Ends every session with reason `shutdown` (a session already ending keeps its own). */
  protected async endAllSessions(): Promise<void> {
    const sessions = [...this.sessions.values()];
    for (const session of sessions) {
      session.closing ??= 'shutdown';
      if (session.closing === 'shutdown') this.ownerEndings.remember(session.id, 'shutdown');
    }
    await this.endSessions(sessions, 'shutdown');
  }

  /** The config while the backend takes calls; `NOT_INITIALIZED` before `initialize` and after `shutdown`. */
  protected ready(): BackendResult<C> {
    if (this.state === 'ready' && this.config) return ok(this.config);
    return fail(
      'NOT_INITIALIZED',
      this.state === 'new' ? 'call initialize() first' : 'the backend has been shut down',
      { backendId: this.id },
    );
  }

  /** The live session a call names (see `lookupSession`). */
  protected lookup(sessionId: string): BackendResult<S> {
    const ready = this.ready();
    if (!ready.ok) return ready;
    return lookupSession(this.table, sessionId);
  }

  /** The pane a call names: the session itself when sessions have one pane (see `targetSinglePane`). */
  protected target(sessionId: string, paneId: string | undefined): BackendResult<P> {
    const ready = this.ready();
    if (!ready.ok) return ready;
    // A session of one pane is its own pane (P is S & SessionPane); other backends override `target`.
    return targetSinglePane(this.table, sessionId, paneId) as unknown as BackendResult<P>;
  }

  /** The id of a pane, as executions and command handles carry it: by default the sessions' one pane. */
  protected paneIdOf(_pane: P): string {
    return this.table.pane;
  }

  /** A session as `SessionInfo`. */
  protected info(session: S): SessionInfo {
    const { cwd, panes, alive } = this.describePanes(session);
    return {
      id: session.id,
      backendId: this.id,
      createdAt: session.createdAt,
      ...(cwd === undefined ? {} : { cwd }),
      panes,
      alive,
      ...(session.labels ? { labels: session.labels } : {}),
    };
  }

  /** A session's panes, its cwd (its first pane's) and liveness; a session of one pane asks its runner. */
  protected describePanes(session: S): { cwd: string | undefined; panes: string[]; alive: boolean } {
    const runner = (session as S & Partial<SessionPane>).runner;
    return { cwd: runner?.cwd, panes: [this.table.pane], alive: !runner?.closed };
  }

  /** Emits `health-changed` when the status `getHealth` reports differs from the last one reported. */
  protected async reportHealth(): Promise<void> {
    this.health.report(await this.getHealth());
  }

  /** A failure with this backend's id, recorded. */
  protected error<T>(
    code: BackendErrorCode,
    message: string,
    options: { dispatched?: boolean } = {},
  ): BackendResult<T> {
    return this.record(fail(code, message, { ...options, backendId: this.id }));
  }

  /** Counts failures for `getMetrics()` and reports them as `error` events when someone listens. */
  protected record<T>(result: BackendResult<T>): BackendResult<T> {
    return this.metrics.track(result, this.id, this);
  }

  private healthMayHaveChanged(): void {
    if (this.healthEvents) void this.reportHealth();
  }
}
