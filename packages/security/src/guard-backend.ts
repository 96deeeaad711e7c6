import { EventEmitter } from 'node:events';
import {
  BackendError,
  fail,
  ok,
  toBackendError,
  type BackendCapabilities,
  type BackendConfig,
  type BackendErrorCode,
  type BackendEventMap,
  type BackendHealth,
  type BackendMetrics,
  type BackendResult,
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
import { emitErrorSafely, parseExecutionContext } from '@vth/core/kit';
import { CommandGuard } from './command-guard';
import { notAString, requestedId, stringList } from './guarded-arguments';
import { type CommandGuardOptions, type InputAdmission } from './command-guard-options';
import { YieldedCommands } from './yielded-commands';

/**
 * A {@link CommandGuardOptions} whose backend identity defaults to the wrapped backend's, plus whether
 * typed input goes to the policy. Every control is off unless given.
 */
export interface GuardBackendOptions extends Omit<CommandGuardOptions, 'backendId' | 'backendType'> {
  /** Names the backend in audit records. Default: the wrapped backend's `id` (read each time). */
  backendId?: string;
  /** The type in audit records. Default: the wrapped backend's `type`. */
  backendType?: string;
  /**
   * Put `sendInput` text to the policy too (`kind: 'input'`), since an idle shell runs what it is typed.
   * Default `true` when a policy is configured.
   */
  guardInput?: boolean;
}

/** A backend with a guard in front: still an `ITerminalBackend`, plus the guard and what it wraps. */
export interface GuardedBackend extends ITerminalBackend {
  /** The guard in front, built from the options or the one passed in (its `rateLimiter`, say). */
  readonly guard: CommandGuard;
  /** The backend behind the guard: calls made on it directly are neither limited, checked nor audited. */
  readonly inner: ITerminalBackend;
}

/**
 * Puts a {@link CommandGuard} in front of any backend. `executeCommand` and `executeBatch` are admitted
 * (rate limit, then policy) and audited; a batch is admitted whole before any of it runs. `sendInput` goes
 * to the policy too. Everything else, every event, `id`, `type` and `capabilities` pass through. Refusals
 * are reported like any failed call: an `error` event and `getMetrics().errors`. With nothing configured
 * every call goes straight to the backend.
 *
 * Calls on a session reach the backend in call order even when a policy answers slowly (a confirm
 * dialog): the backends' queueing rule still holds.
 *
 * @example
 * ```ts
 * const backend = guardBackend(new NodePtyBackend(), {
 *   rateLimit: { perUser: { capacity: 20, refillPerSecond: 2 } },
 *   policy: denyPatterns([/\brm\s+-rf\s+\/(\s|$)/]),
 *   audit: { sink: new JsonLinesFileSink('/var/log/vth-audit.jsonl') },
 * });
 * await backend.initialize({});
 * ```
 */
export function guardBackend(
  backend: ITerminalBackend,
  options: GuardBackendOptions | CommandGuard = {},
): GuardedBackend {
  if (options instanceof CommandGuard) return new Guarded(backend, options, options.hasPolicy);
  const { backendId, backendType, guardInput, ...rest } = options;
  const guard = new CommandGuard({
    ...rest,
    backendId: backendId ?? (() => backend.id),
    backendType: backendType ?? (() => backend.type),
  });
  return new Guarded(backend, guard, guardInput ?? guard.hasPolicy);
}

/** Input admitted without the policy: nothing follows what it types. */
const UNCHECKED: BackendResult<InputAdmission> = ok(
  Object.freeze({ delivered: () => undefined, notDelivered: () => undefined }),
);

/** Events the emitter itself uses; never forwarded. */
const OWN_EVENTS = new Set<string | symbol>(['newListener', 'removeListener']);

class Guarded extends EventEmitter<BackendEventMap> implements GuardedBackend {
  private readonly forwarders = new Map<string | symbol, (...args: unknown[]) => void>();
  /** Per session, the call before this one: resolved once it was dispatched (or refused). */
  private readonly turns = new Map<string, Promise<void>>();
  private refusalCount = 0;
  private readonly refusalsByCode: Partial<Record<BackendErrorCode, number>> = {};
  /** Commands that yielded: their final outcome is audited when they end. */
  private readonly yielded: YieldedCommands;

  constructor(
    readonly inner: ITerminalBackend,
    readonly guard: CommandGuard,
    private readonly guardInput: boolean,
  ) {
    super();
    this.yielded = new YieldedCommands(inner, (execution, context) => guard.completed(execution, context));
    // Listening to the inner backend only while someone listens here keeps its own shortcuts (it skips
    // decoding output nobody listens to, and raises `error` only when someone handles it).
    const self = this as unknown as EventEmitter;
    self.on('newListener', (name: string | symbol) => this.forward(name));
    self.on('removeListener', (name: string | symbol) => this.unforward(name));
    if (guard.tracksSessions) {
      inner.on('session-closed', (event) => guard.forgetSession(event.sessionId));
    }
  }

  get id(): string {
    return this.inner.id;
  }

  get type(): string {
    return this.inner.type;
  }

  get capabilities(): BackendCapabilities {
    return this.inner.capabilities;
  }

  initialize(config: BackendConfig): Promise<BackendResult<void>> {
    return this.inner.initialize(config);
  }

  createSession(
    options?: CreateSessionOptions,
    context?: ExecutionContext,
  ): Promise<BackendResult<SessionInfo>> {
    if (!this.guard.rateLimiter) return this.inner.createSession(options, context);
    return this.guardedSession(options, context);
  }

  private async guardedSession(
    options: CreateSessionOptions | undefined,
    context: ExecutionContext | undefined,
  ): Promise<BackendResult<SessionInfo>> {
    if (this.guard.rateLimiter!.limitsNewSessions) {
      const admitted = await this.guard.admitSession({ ...requestedId(options), context });
      if (!admitted.ok) return this.refuse(admitted);
    }
    const created = await settle(() => this.inner.createSession(options, context));
    if (created.ok) this.guard.sessionOpened(created.value.id, context);
    return created;
  }

  destroySession(sessionId: string): Promise<BackendResult<void>> {
    if (!this.guard.tracksSessions) return this.inner.destroySession(sessionId);
    // The session-closed event forgets it too; this covers a backend that emits none.
    return this.inner.destroySession(sessionId).then((result) => {
      if (result.ok && typeof sessionId === 'string') this.guard.forgetSession(sessionId);
      return result;
    });
  }

  listSessions(): Promise<BackendResult<SessionInfo[]>> {
    return this.inner.listSessions();
  }

  executeCommand(
    sessionId: string,
    command: string,
    paneId?: string,
    context?: ExecutionContext,
  ): Promise<BackendResult<CommandExecution>> {
    // Not async: with nothing configured the call costs one property read and no extra promise.
    if (!this.guard.active) return this.inner.executeCommand(sessionId, command, paneId, context);
    return this.guardedCommand(sessionId, command, paneId, context);
  }

  private async guardedCommand(
    sessionId: string,
    command: string,
    paneId: string | undefined,
    context: ExecutionContext | undefined,
  ): Promise<BackendResult<CommandExecution>> {
    if (typeof sessionId !== 'string') return this.refuse(notAString('sessionId', this.id));
    if (typeof command !== 'string') return this.refuse(notAString('command', this.id));
    const ctx = parseExecutionContext(context);
    if (!ctx.ok) return this.refuse(ctx.error.withBackendId(this.id));
    // From here on the guard and the backend see the frozen copy, never the caller's object.
    context = ctx.value;
    const pane = typeof paneId === 'string' ? { paneId } : {};
    const release = await this.turn(sessionId);
    const admitted = await this.guard.admit({ command, sessionId, ...pane, context });
    if (!admitted.ok) {
      release();
      return this.refuse(admitted);
    }
    const startedAt = Date.now();
    const pending = settle(() => this.inner.executeCommand(sessionId, command, paneId, context));
    release();
    const result = await pending;
    if (result.ok) {
      this.guard.completed(result.value, context);
      if (result.value.status === 'running') this.yielded.follow(result.value, context);
    } else this.guard.failed({ command, sessionId, ...pane, startedAt }, result.error, context);
    return result;
  }

  executeBatch(
    sessionId: string,
    commands: string[],
    paneId?: string,
    context?: ExecutionContext,
  ): Promise<BackendResult<CommandExecution[]>> {
    if (!this.guard.active) return this.inner.executeBatch(sessionId, commands, paneId, context);
    return this.guardedBatch(sessionId, commands, paneId, context);
  }

  private async guardedBatch(
    sessionId: string,
    commands: string[],
    paneId: string | undefined,
    context: ExecutionContext | undefined,
  ): Promise<BackendResult<CommandExecution[]>> {
    if (typeof sessionId !== 'string') return this.refuse(notAString('sessionId', this.id));
    const list = stringList(commands);
    if (list === undefined) {
      return this.refuse(
        new BackendError('INVALID_INPUT', 'invalid commands: must be an array of strings', {
          dispatched: false,
          backendId: this.id,
        }),
      );
    }
    const ctx = parseExecutionContext(context);
    if (!ctx.ok) return this.refuse(ctx.error.withBackendId(this.id));
    // From here on the guard and the backend see plain copies, never the caller's objects.
    commands = list;
    context = ctx.value;
    const pane = typeof paneId === 'string' ? { paneId } : {};
    const release = await this.turn(sessionId);
    const admitted = await this.guard.admitBatch({ commands, sessionId, ...pane, context });
    if (!admitted.ok) {
      release();
      return this.refuse(admitted);
    }
    const startedAt = Date.now();
    const pending = settle(() => this.inner.executeBatch(sessionId, commands, paneId, context));
    release();
    const result = await pending;
    // The executions that ran (all of them, or those before a failure) are audited as they ended; any
    // command left without one is audited as failed.
    const ran = result.ok ? result.value : partialExecutions(result.error);
    for (const execution of ran) this.guard.completed(execution, context);
    const error = result.ok
      ? new BackendError('INTERNAL', 'the backend reported no execution for this command', {
          backendId: this.id,
        })
      : result.error;
    for (const command of commands.slice(ran.length)) {
      this.guard.failed({ command, sessionId, ...pane, startedAt }, error, context);
    }
    return result;
  }

  sendInput(sessionId: string, data: string, paneId?: string): Promise<BackendResult<void>> {
    if (!this.guard.active || typeof sessionId !== 'string') {
      return this.inner.sendInput(sessionId, data, paneId);
    }
    return this.guardedInput(sessionId, data, paneId);
  }

  private async guardedInput(
    sessionId: string,
    data: string,
    paneId: string | undefined,
  ): Promise<BackendResult<void>> {
    // Input the policy cannot read must not slip past it.
    if (this.guardInput && typeof data !== 'string') return this.refuse(notAString('data', this.id));
    // In line with commands: input sent after a command must not overtake it while it awaits its policy.
    const release = await this.turn(sessionId);
    const request = { data, sessionId, ...(typeof paneId === 'string' ? { paneId } : {}) };
    // Without the policy, still rate limited: typing is no way around the limits on commands.
    const admitted = this.guardInput
      ? await this.guard.checkInput(request)
      : typeof data === 'string'
        ? await this.guard.limitInput(request).then((r) => (r.ok ? UNCHECKED : r))
        : UNCHECKED;
    if (!admitted.ok) {
      release();
      return this.refuse(admitted);
    }
    // The next call must see what this one typed: the keys count as typed before the turn passes, and are
    // taken back if they never reached the session.
    const pending = settle(() => this.inner.sendInput(sessionId, data, paneId));
    admitted.value.delivered();
    release();
    const result = await pending;
    if (!result.ok && !result.error.dispatched) admitted.value.notDelivered();
    return result;
  }

  interrupt(sessionId: string, paneId?: string): Promise<BackendResult<void>> {
    return this.inner.interrupt(sessionId, paneId);
  }

  /**
   * Long commands pass through: the command was admitted (and audited `running`) when it started; reading
   * its output or waiting for it runs nothing. Its final outcome is audited when it ends.
   */
  readOutput(handle: string, options?: ReadOutputOptions): Promise<BackendResult<CommandOutput>> {
    if (this.inner.readOutput) return this.inner.readOutput(handle, options);
    return Promise.resolve(this.noLongCommands());
  }

  waitFor(handle: string, options: WaitForOptions): Promise<BackendResult<CommandWaitResult>> {
    if (this.inner.waitFor) return this.inner.waitFor(handle, options);
    return Promise.resolve(this.noLongCommands());
  }

  private noLongCommands(): BackendResult<never> {
    return fail('UNSUPPORTED', `backend ${this.id} has no long commands (capabilities.longCommands)`, {
      dispatched: false,
      backendId: this.id,
    });
  }

  /** Flow control passes through unguarded: the server pushing back on output is not a tenant's call. */
  pauseOutput(sessionId: string, paneId?: string): Promise<BackendResult<void>> {
    if (this.inner.pauseOutput) return this.inner.pauseOutput(sessionId, paneId);
    return Promise.resolve(this.noFlowControl());
  }

  resumeOutput(sessionId: string, paneId?: string): Promise<BackendResult<void>> {
    if (this.inner.resumeOutput) return this.inner.resumeOutput(sessionId, paneId);
    return Promise.resolve(this.noFlowControl());
  }

  private noFlowControl(): BackendResult<void> {
    return fail('UNSUPPORTED', `backend ${this.id} has no flow control (capabilities.flowControl)`, {
      dispatched: false,
      backendId: this.id,
    });
  }

  capture(sessionId: string, paneId?: string, options?: CaptureOptions): Promise<BackendResult<string>> {
    return this.inner.capture(sessionId, paneId, options);
  }

  resize(sessionId: string, cols: number, rows: number, paneId?: string): Promise<BackendResult<void>> {
    return this.inner.resize(sessionId, cols, rows, paneId);
  }

  getHealth(): Promise<BackendHealth> {
    return this.inner.getHealth();
  }

  /** The backend's metrics, with the calls the guard refused counted among the errors. */
  getMetrics(): BackendMetrics {
    const metrics = this.inner.getMetrics();
    if (this.refusalCount === 0) return metrics;
    const byCode = { ...metrics.errors.byCode };
    for (const [code, n] of Object.entries(this.refusalsByCode) as [BackendErrorCode, number][]) {
      byCode[code] = (byCode[code] ?? 0) + n;
    }
    return { ...metrics, errors: { total: metrics.errors.total + this.refusalCount, byCode } };
  }

  async shutdown(): Promise<void> {
    await this.inner.shutdown();
    await this.guard.close();
  }

  /**
   * `removeAllListeners()` without a name would also remove the listeners that forward the backend's
   * events, and every listener added later would hear nothing.
   */
  override removeAllListeners(eventName?: string | symbol): this {
    const emitter = EventEmitter.prototype as EventEmitter;
    if (eventName !== undefined) return emitter.removeAllListeners.call(this, eventName) as this;
    for (const name of this.eventNames()) {
      if (!OWN_EVENTS.has(name)) emitter.removeAllListeners.call(this, name);
    }
    return this;
  }

  /**
   * Waits for the previous call on the session to be dispatched; the returned function lets the next one
   * go. Admission may await a policy, so without this a later call with a faster answer would overtake.
   */
  private async turn(sessionId: string): Promise<() => void> {
    const previous = this.turns.get(sessionId);
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    this.turns.set(sessionId, mine);
    if (previous) await previous;
    return () => {
      done();
      if (this.turns.get(sessionId) === mine) this.turns.delete(sessionId);
    };
  }

  private refuse<T>(result: BackendResult<unknown> | BackendError): BackendResult<T> {
    const error = result instanceof BackendError ? result : (result as { error: BackendError }).error;
    this.refusalCount++;
    this.refusalsByCode[error.code] = (this.refusalsByCode[error.code] ?? 0) + 1;
    emitErrorSafely(this, error);
    return fail(error);
  }

  private forward(name: string | symbol): void {
    if (OWN_EVENTS.has(name) || this.forwarders.has(name)) return;
    const forwarder = (...args: unknown[]) => (this as unknown as EventEmitter).emit(name, ...args);
    this.forwarders.set(name, forwarder);
    (this.inner as unknown as EventEmitter).on(name, forwarder);
  }

  private unforward(name: string | symbol): void {
    const forwarder = this.forwarders.get(name);
    if (!forwarder || (this as unknown as EventEmitter).listenerCount(name) > 0) return;
    this.forwarders.delete(name);
    (this.inner as unknown as EventEmitter).off(name, forwarder);
  }
}

/** The backend promised never to throw or reject; an audit must record what happened even if it does. */
function settle<T>(call: () => Promise<BackendResult<T>>): Promise<BackendResult<T>> {
  try {
    return Promise.resolve(call()).catch((e: unknown) => fail<T>(toBackendError(e, 'INTERNAL')));
  } catch (e) {
    return Promise.resolve(fail<T>(toBackendError(e, 'INTERNAL')));
  }
}

/** The executions a failed batch reports in `details.executions` (shell-integration's runner does). */
function partialExecutions(error: BackendError): CommandExecution[] {
  const executions = error.details?.['executions'];
  return Array.isArray(executions) ? (executions as CommandExecution[]) : [];
}
