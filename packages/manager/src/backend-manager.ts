import { EventEmitter } from 'node:events';
import {
  fail,
  ok,
  type BackendCapabilities,
  type BackendConfig,
  type BackendEventMap,
  type BackendHealth,
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
import { createId, emitErrorSafely } from '@vth/core/kit';
import { type BackendFactory } from '@vth/factory';
import { checkBackendSpec } from './config-check';
import { managerEvents, systemClock } from './context/manager-context';
import { type Readiness } from './context/readiness';
import { type ExperimentSpecInput } from './experiment-config';
import { type ExperimentReport } from './experiments/experiment-set';
import { type BackendSpecInput } from './manager-config';
import { type BackendManagerOptions } from './manager-options';
import { type DrainReport, type HotSwapReport, type ManagerEventMap } from './manager-events';
import { type DrainOptions } from './operations/drain';
import { type HotSwapOptions } from './operations/hot-swap';
import { type ManagerRuntime } from './manager-runtime';
import { ManagerCounters } from './metrics/manager-counters';
import {
  managerMetrics,
  poolSummary,
  type ManagerMetrics,
  type PoolBackendSummary,
} from './metrics/pool-report';
import { noSuchBackend } from './pool/backend-pool';
import { ManagerLifecycle } from './runtime-lifecycle';
import { StrategyRegistry } from './strategies/strategy-registry';

/**
 * One `ITerminalBackend` over a pool of them. Sessions are pinned to the backend that created them; a
 * strategy picks that backend; health (active probes and the outcome of real calls) takes failing backends
 * out of rotation and brings them back; a session whose backend dies is re-created on another with its
 * working directory and environment, and a command that never reached the dead shell runs there. A command
 * that may have reached it is never run twice: the caller gets `BACKEND_CRASHED` with `dispatched: true`.
 *
 * A facade: the work is done by the collaborators `assembleRuntime` wires for each configuration (the
 * pool, the session table, the placer and router, the migrator, the prober and the pool's health, drains
 * and hot swaps, the experiment runner). Every failure it answers is counted and reported on `error` here.
 *
 * @example
 * ```ts
 * const factory = new BackendFactory({ plugins: [tmuxPlugin, nodePtyPlugin] });
 * const manager = new BackendManager({ factory });
 * const started = await manager.initialize({
 *   backends: [{ type: 'tmux' }, { type: 'node-pty' }],
 *   strategy: 'primary-fallback',
 * });
 * manager.on('session-migrated', (e) => console.log(`${e.sessionId}: ${e.from} -> ${e.to}`));
 * const session = await manager.createSession({ cwd: '/tmp' });
 * ```
 */
export class BackendManager extends EventEmitter<ManagerEventMap> implements ITerminalBackend {
  readonly type = 'manager';
  /** The strategies `strategy` may name; register your own before `initialize`. */
  readonly strategies: StrategyRegistry;

  private readonly factory: BackendFactory;
  private managerId: string;
  private readonly counters = new ManagerCounters();
  private readonly life: ManagerLifecycle;

  constructor(options: BackendManagerOptions) {
    super();
    this.factory = options.factory;
    this.strategies = options.strategies ?? new StrategyRegistry();
    this.managerId = options.config?.id ?? createId('manager');
    this.life = new ManagerLifecycle({
      factory: options.factory,
      strategies: this.strategies,
      initial: options.config,
      random: options.random ?? Math.random,
      events: managerEvents(this),
      counters: this.counters,
      id: () => this.managerId,
      rename: (id) => (this.managerId = id),
      track: (result) => this.track(result),
    });
  }

  /** The collaborators of the configuration in use. */
  private get runtime(): ManagerRuntime | undefined {
    return this.life.runtime;
  }

  private get readiness(): Readiness {
    return this.life.readiness;
  }

  get id(): string {
    return this.managerId;
  }

  /**
   * Typed as a backend's event names so a manager is an `ITerminalBackend`; the list also holds the
   * manager's own events (`failover`, `session-migrated`, ...) when something listens to them.
   */
  override eventNames(): Array<(string | symbol) & keyof BackendEventMap> {
    return super.eventNames() as Array<(string | symbol) & keyof BackendEventMap>;
  }

  /**
   * What every session can count on whichever backend it lands on: the flags all backends of the pool
   * share, and the weakest isolation among them. Before `initialize`, from the plugins the configuration
   * names.
   */
  get capabilities(): BackendCapabilities {
    return this.life.capabilities;
  }

  // ---- lifecycle ----

  /**
   * Validates the configuration (`INVALID_CONFIG` naming each bad path), creates every backend through the
   * factory, and starts probing them. Backends that cannot be created yet stay in the pool, out of rotation,
   * and are retried on the probe interval; it fails (`UNAVAILABLE`, each reason listed) only when none can.
   * A config holding only `id` (or nothing) uses the one given to the constructor.
   */
  initialize(config: BackendConfig = {}): Promise<BackendResult<void>> {
    return this.life.initialize(config);
  }

  /**
   * Ends every session and shuts every backend down. Resolves once every backend the manager created has
   * shut down — pool members, experiment variants', rebuilt and hot-swap replacements, those still being
   * created when it was called — and every probe and session move in flight has ended: no timer of the
   * manager is left. Safe to call twice; calls made afterwards answer `NOT_INITIALIZED`.
   */
  shutdown(): Promise<void> {
    return this.life.shutdown();
  }

  // ---- the pool ----

  /**
   * Adds a backend to the pool at run time: created through the factory, probed, and in rotation for new
   * sessions at once. Returns its id. `INVALID_INPUT` for a bad spec or an id in use; the factory's error
   * when it cannot be created.
   *
   * @example
   * ```ts
   * const added = await manager.addBackend({ type: 'node-pty', id: 'spare', weight: 2 });
   * ```
   */
  addBackend(spec: BackendSpecInput): Promise<BackendResult<string>> {
    return this.use((rt) => rt.changes.add(spec));
  }

  /**
   * Takes a backend out of the pool: it gets no new sessions, each of its sessions moves to another backend
   * (with its working directory and environment) as soon as nothing runs in it, or at the deadline
   * (`drainTimeoutMs`, default 30 s); then it shuts down. `INVALID_INPUT` for an unknown id, `BUSY` while
   * it is being drained or swapped.
   */
  removeBackend(id: string, options: { drainTimeoutMs?: number } = {}): Promise<BackendResult<void>> {
    return this.use((rt) => rt.changes.remove(id, options));
  }

  /**
   * Empties a backend for maintenance: it takes no new sessions, and its sessions leave it, each as soon as
   * nothing runs in it (`mode: 'move'`, the default: they move elsewhere with their working directory and
   * environment) or when their users end them (`mode: 'finish'`); at `timeoutMs` (default 30 s) the rest
   * move anyway. It stays in the pool, out of rotation, until `undrain`.
   *
   * @example
   * ```ts
   * const drained = await manager.drain('tmux', { timeoutMs: 60_000 });
   * // ... upgrade tmux ...
   * manager.undrain('tmux');
   * ```
   */
  drain(backendId: string, options: DrainOptions = {}): Promise<BackendResult<DrainReport>> {
    return this.use((rt) => rt.changes.drain(backendId, options));
  }

  /** Puts a drained backend back in rotation. */
  undrain(backendId: string): BackendResult<void> {
    return this.track(this.runtime ? this.runtime.changes.undrain(backendId) : noSuchBackend(backendId));
  }

  /**
   * Replaces a backend under load without failing a command: brings the replacement (`spec`) up, checks it
   * with probes (`probes`, default `health.recoveryProbes`), routes new sessions to it, then drains the old
   * one — each session moves to the replacement, with its working directory and environment, the moment
   * nothing runs in it (or its users end it, `mode: 'finish'`), at the latest at `drainTimeoutMs` — and shuts
   * it down. The replacement takes the old one's id, order and group (unless `spec.id` names another); during
   * the swap it is `<id>~next`. A replacement that cannot start or fails a probe is shut down and the swap
   * rolled back (`swap-failed`); the old backend never stopped serving.
   *
   * @example
   * ```ts
   * const swapped = await manager.hotSwap('tmux', { type: 'tmux', config: { historyLimit: 50_000 } });
   * if (swapped.ok) console.log(`swapped in ${swapped.value.durationMs} ms, ${swapped.value.moved} sessions moved`);
   * ```
   */
  async hotSwap(
    backendId: string,
    spec: BackendSpecInput,
    options: HotSwapOptions = {},
  ): Promise<BackendResult<HotSwapReport>> {
    if (this.runtime) return this.track(await this.runtime.swaps.swap(backendId, spec, options));
    const checked = checkBackendSpec(spec, this.factory); // a bad spec is named first, as once started
    return this.track(checked.ok ? this.readiness.refusal() : checked);
  }

  // ---- experiments ----

  /**
   * Starts an A/B experiment: creates each variant's backends through the factory (in groups of their
   * own), then assigns new sessions of users in its `traffic` share to a variant by a stable hash of the
   * experiment and the user (`ExecutionContext.userId`, else the session id). `INVALID_INPUT` for a bad spec
   * or a name in use; `UNAVAILABLE` (nothing started) when a variant has no backend that could start.
   *
   * @example
   * ```ts
   * await manager.startExperiment({
   *   name: 'pty-rollout',
   *   variants: [
   *     { name: 'tmux', weight: 95, backends: [{ type: 'tmux' }] },
   *     { name: 'pty', weight: 5, backends: [{ type: 'node-pty' }] },
   *   ],
   * });
   * manager.updateExperiment('pty-rollout', { weights: { tmux: 50, pty: 50 } }); // only users who must, move
   * ```
   */
  startExperiment(spec: ExperimentSpecInput): Promise<BackendResult<ExperimentReport>> {
    return this.use((rt) => rt.experiments.start(spec));
  }

  /**
   * Changes a running experiment at once: `weights` of some variants (a gradual rollout: raising a
   * variant's weight only moves users into it, never between the others) and/or its `traffic` share.
   * Sessions already placed stay where they are; the change applies to new sessions.
   */
  updateExperiment(
    name: string,
    change: { weights?: Record<string, number>; traffic?: number },
  ): BackendResult<ExperimentReport> {
    return this.track(
      this.runtime ? this.runtime.experiments.update(name, change) : this.readiness.refusal(),
    );
  }

  /**
   * Stops assigning sessions to an experiment and returns its final report. Its variants' backends take no
   * new sessions and shut down once their sessions are gone; with `moveSessions: true` those sessions move
   * to the main pool now (each when nothing runs in it), as in a drain.
   */
  stopExperiment(
    name: string,
    options: { moveSessions?: boolean; drainTimeoutMs?: number } = {},
  ): Promise<BackendResult<ExperimentReport>> {
    return this.use((rt) => rt.experiments.stop(name, options));
  }

  /** An experiment's figures so far (running or stopped): per variant, and each against the control. */
  experimentReport(name: string): BackendResult<ExperimentReport> {
    const report = typeof name === 'string' ? this.runtime?.experiments.report(name) : undefined;
    if (!report) return fail('INVALID_INPUT', `no experiment "${String(name)}"`, { dispatched: false });
    return ok(report);
  }

  /** The running experiments, in the order they are consulted. */
  runningExperiments(): string[] {
    return this.runtime?.experiments.names() ?? [];
  }

  /** The backends of the pool, in order. */
  backends(): PoolBackendSummary[] {
    return this.runtime ? poolSummary(this.runtime.pool, systemClock.now()) : [];
  }

  /**
   * The running instance behind a pool backend (for diagnostics: a tmux backend's socket, a backend's own
   * metrics). Calls made on it directly bypass the manager's routing and health.
   */
  instanceOf(backendId: string): ITerminalBackend | undefined {
    return this.runtime?.pool.get(backendId)?.backend;
  }

  /** The id of the backend a session is pinned to now; `undefined` for an unknown session. */
  backendOf(sessionId: string): string | undefined {
    return this.runtime?.sessions.get(sessionId)?.member.id;
  }

  // ---- sessions ----

  createSession(
    options?: CreateSessionOptions,
    context?: ExecutionContext,
  ): Promise<BackendResult<SessionInfo>> {
    return this.use((rt) => rt.lifecycle.create(options, context));
  }

  destroySession(sessionId: string): Promise<BackendResult<void>> {
    return this.use((rt) => rt.lifecycle.destroy(sessionId));
  }

  listSessions(): Promise<BackendResult<SessionInfo[]>> {
    return this.use((rt) => rt.lifecycle.list());
  }

  executeCommand(
    sessionId: string,
    command: string,
    paneId?: string,
    context?: ExecutionContext,
  ): Promise<BackendResult<CommandExecution>> {
    return this.use((rt) => rt.calls.executeCommand(sessionId, command, paneId, context));
  }

  executeBatch(
    sessionId: string,
    commands: string[],
    paneId?: string,
    context?: ExecutionContext,
  ): Promise<BackendResult<CommandExecution[]>> {
    return this.use((rt) => rt.calls.executeBatch(sessionId, commands, paneId, context));
  }

  /**
   * Keys for the running command. Not sent while the session moves to another backend: the command they
   * were meant for died with the old shell, and the new shell would run them as a command.
   */
  sendInput(sessionId: string, data: string, paneId?: string): Promise<BackendResult<void>> {
    return this.use((rt) => rt.calls.sendInput(sessionId, data, paneId));
  }

  interrupt(sessionId: string, paneId?: string): Promise<BackendResult<void>> {
    return this.use((rt) => rt.calls.interrupt(sessionId, paneId));
  }

  capture(sessionId: string, paneId?: string, options?: CaptureOptions): Promise<BackendResult<string>> {
    return this.use((rt) => rt.calls.capture(sessionId, paneId, options));
  }

  resize(sessionId: string, cols: number, rows: number, paneId?: string): Promise<BackendResult<void>> {
    return this.use((rt) => rt.calls.resize(sessionId, cols, rows, paneId));
  }

  /**
   * Flow control of a session (see `ITerminalBackend.pauseOutput`), forwarded to the backend that holds
   * it. Always present on a manager: `capabilities.flowControl` is true only when every backend of the pool
   * has it, and a session on a backend without it answers `UNSUPPORTED` (`dispatched: false`). A session
   * moved to another backend while paused is not paused there.
   *
   * @example
   * ```ts
   * const paused = await manager.pauseOutput(sessionId);
   * if (paused.ok) setTimeout(() => void manager.resumeOutput(sessionId), 100);
   * ```
   */
  pauseOutput(sessionId: string, paneId?: string): Promise<BackendResult<void>> {
    return this.use((rt) => rt.calls.pauseOutput(sessionId, paneId));
  }

  /** Reads a session's terminal again after `pauseOutput`, on the backend that holds it. */
  resumeOutput(sessionId: string, paneId?: string): Promise<BackendResult<void>> {
    return this.use((rt) => rt.calls.resumeOutput(sessionId, paneId));
  }

  /**
   * A yielded command's new output (see `ITerminalBackend.readOutput`), from the backend holding its
   * session. Always present on a manager: `capabilities.longCommands` is true only when every backend of
   * the pool has it; a session on a backend without it answers `UNSUPPORTED`. A handle survives nothing but
   * its session on that backend: after a failover (or a drain or hot swap that had to move the session)
   * it answers `BACKEND_CRASHED` with `dispatched: true`. A drain or hot swap treats a session whose
   * yielded command runs as busy: it moves it only once the command ends, or at its deadline.
   *
   * @example
   * ```ts
   * const run = await manager.executeCommand(id, 'npm run dev', undefined, { yieldAfterMs: 2000 });
   * if (run.ok && run.value.handle) await manager.readOutput(run.value.handle, { waitMs: 1000 });
   * ```
   */
  readOutput(handle: string, options?: ReadOutputOptions): Promise<BackendResult<CommandOutput>> {
    return this.use((rt) => rt.calls.readOutput(handle, options));
  }

  /** Waits for a yielded command's output, quiet or end, on the backend holding it (see `readOutput`). */
  waitFor(handle: string, options: WaitForOptions): Promise<BackendResult<CommandWaitResult>> {
    return this.use((rt) => rt.calls.waitFor(handle, options));
  }

  // ---- health and metrics ----

  /** Runs an active health check of every backend now (also what the interval does), and waits for them. */
  async probeNow(): Promise<void> {
    await this.runtime?.prober.probeAll();
  }

  /**
   * The manager's health: `healthy` when every backend is in rotation and healthy, `degraded` when some are
   * not but sessions can still be placed (in panic mode too), `unhealthy` when none can take one.
   * `details.backends` holds each backend's health.
   */
  async getHealth(): Promise<BackendHealth> {
    if (this.runtime && this.readiness.ready) return this.runtime.health.status();
    const message = this.readiness.shutDown ? 'shut down' : 'not initialized';
    return { status: 'unhealthy', message, checkedAt: systemClock.now() };
  }

  getMetrics(): ManagerMetrics {
    const own = this.counters.snapshot(this.id, this.type, this.runtime?.sessions.size ?? 0);
    return managerMetrics(own, this.counters, this.runtime?.pool, systemClock.now());
  }

  /** `work` on the runtime (`NOT_INITIALIZED` before `initialize`), its failure tracked. */
  private async use<T>(work: (rt: ManagerRuntime) => Promise<BackendResult<T>>): Promise<BackendResult<T>> {
    return this.track(this.runtime ? await work(this.runtime) : this.readiness.refusal());
  }

  /** Every failure the manager answers is counted and reported on `error` (when someone listens). */
  private track<T>(result: BackendResult<T>): BackendResult<T> {
    if (result.ok) return result;
    this.counters.error(result.error);
    emitErrorSafely(this, result.error);
    return result;
  }
}
