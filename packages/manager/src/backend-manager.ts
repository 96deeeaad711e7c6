import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import {
  BackendError,
  CAPABILITY_FLAGS,
  ISOLATION_LEVELS,
  MetricsRecorder,
  createId,
  createSessionOptionsSchema,
  emitErrorSafely,
  fail,
  formatIssues,
  ok,
  parseExecutionContext,
  parseInput,
  sessionIdSchema,
  type BackendCapabilities,
  type BackendConfig,
  type BackendEventMap,
  type BackendHealth,
  type BackendMetrics,
  type BackendResult,
  type CaptureOptions,
  type CommandExecution,
  type CommandStartedEvent,
  type CreateSessionOptions,
  type ExecutionContext,
  type HealthChangedEvent,
  type HealthStatus,
  type ITerminalBackend,
  type OutputEvent,
  type SessionClosedEvent,
  type SessionInfo,
} from '@vth/core';
import { type BackendFactory } from '@vth/factory';
import { z } from 'zod';
import {
  BrokenCircuitError,
  ExponentialBackoff,
  IsolatedCircuitError,
  handleWhenResult,
  retry,
  type RetryPolicy,
} from 'cockatiel';
import { type BackendView, type SelectionStrategy } from './backend-view';
import {
  experimentSpecSchema,
  weightsSchema,
  type ExperimentSpec,
  type ExperimentSpecInput,
} from './experiment-config';
import { ExperimentSet, type Assignment, type ExperimentReport } from './experiment-set';
import { isInfrastructureFailure, isRetryable } from './failure-kinds';
import { type BackendHealthSnapshot } from './health/backend-health';
import { secureBackend } from './backend-spec';
import { newManagedSession, type ManagedSession } from './managed-session';
import { MAIN_GROUP, newGroup, variantGroupId, type MemberGroup } from './member-group';
import {
  backendSpecSchema,
  managerConfigSchema,
  probeContext,
  type BackendSpec,
  type BackendSpecInput,
  type ManagerConfig,
  type ManagerConfigInput,
} from './manager-config';
import { type ManagerEventMap } from './manager-events';
import { breakerState, newBreaker, type DrainReason, type PoolMember } from './pool-member';
import { StrategyRegistry } from './strategies/strategy-registry';

export interface BackendManagerOptions {
  /** Creates the pool's backends from their plugins. */
  factory: BackendFactory;
  /**
   * The configuration, when `initialize` is called without one (as the conformance suite does). A config
   * given to `initialize` replaces it.
   */
  config?: ManagerConfigInput;
  /** Where strategy names are looked up; a registry of the built-in strategies by default. */
  strategies?: StrategyRegistry;
  /** Uniform in [0, 1): injectable so weighted choices can be tested. Default `Math.random`. */
  random?: () => number;
}

/** One backend of the pool as `getMetrics().backends` reports it. */
export interface PoolBackendMetrics {
  id: string;
  type: string;
  group: string;
  weight: number;
  /** The manager's sessions pinned to it. */
  activeSessions: number;
  /** Ejections, consecutive failures, error rate and latency (probes and session starts) over the window. */
  health: BackendHealthSnapshot;
  circuit: 'closed' | 'open' | 'half-open' | 'isolated';
  draining: boolean;
  /** The backend's own metrics; absent while it could not be created. */
  backend?: BackendMetrics;
}

/** `getMetrics()` of a manager: its own figures (as any backend's), plus the pool's. */
export interface ManagerMetrics extends BackendMetrics {
  backends: Record<string, PoolBackendMetrics>;
  /** Backends that failed with sessions on them. */
  failovers: number;
  migrations: { succeeded: number; failed: number };
  ejections: number;
  /** Routing to every backend because too few are in rotation. */
  panic: boolean;
  swaps: { succeeded: number; failed: number; lastDurationMs?: number };
}

export interface DrainOptions {
  /** Sessions still pinned to the backend then move anyway. Default 30 000 ms. */
  timeoutMs?: number;
  /** `move` (default): each session moves as soon as nothing runs in it. `finish`: sessions end by themselves. */
  mode?: 'move' | 'finish';
}

export interface DrainReport {
  backendId: string;
  /** Sessions that moved to another backend. */
  moved: number;
  /** Sessions that ended by themselves meanwhile. */
  ended: number;
  /** Sessions still busy at the deadline, moved anyway (their running command was ended). */
  forced: number;
  /** Sessions that could not be re-created anywhere. */
  lost: number;
  durationMs: number;
}

export interface HotSwapOptions extends Pick<DrainOptions, 'mode'> {
  /** Passing probes the replacement needs before it takes sessions. Default `health.recoveryProbes`. */
  probes?: number;
  /** See `DrainOptions.timeoutMs`. Default 30 000 ms. */
  drainTimeoutMs?: number;
}

export interface HotSwapReport {
  backendId: string;
  /** The replacement's id now (the old id unless `spec.id` named another). */
  replacement: string;
  /** From the call to the old backend shut down. */
  durationMs: number;
  moved: number;
  ended: number;
  forced: number;
  lost: number;
}

/** What `updateExperiment` accepts. */
const experimentUpdateSchema = z.strictObject({
  weights: weightsSchema.optional(),
  traffic: z.number().min(0).max(1).optional(),
});

/** A backend of the pool as `backends()` lists it. */
export interface PoolBackendSummary {
  id: string;
  type: string;
  /** `main`, or `<experiment>.<variant>` for an experiment's backends. */
  group: string;
  weight: number;
  order: number;
  running: boolean;
  ejected: boolean;
  draining: boolean;
  activeSessions: number;
  status: HealthStatus;
}

type SessionCall<T> = (
  backend: ITerminalBackend,
  sessionId: string,
  paneId: string | undefined,
) => Promise<BackendResult<T>>;

const NO_CAPABILITIES: BackendCapabilities = {
  ...(Object.fromEntries(CAPABILITY_FLAGS.map((flag) => [flag, false])) as Record<
    (typeof CAPABILITY_FLAGS)[number],
    boolean
  >),
  isolation: 'none',
};

/** A call that found its session moved (or moving) before it reached a backend: follow it, do not retry here. */
const MOVED = new WeakSet<BackendError>();
/** How many moves one call follows before giving up (each is a backend dying under it). */
const MAX_FOLLOWED_MOVES = 3;
/** How many lost sessions `find` can still explain. */
const LOST_SESSIONS_KEPT = 1000;

const now = (): number => Date.now();

/** Where a new session may go: groups in order of preference, a backend to try first, backends to avoid. */
interface Placement {
  groups: MemberGroup[];
  prefer?: PoolMember | undefined;
  avoid?: ReadonlySet<PoolMember>;
}

/**
 * One `ITerminalBackend` over a pool of them. Sessions are pinned to the backend that created them; a
 * strategy picks that backend; health (active probes and the outcome of real calls) takes failing backends
 * out of rotation and brings them back; a session whose backend dies is re-created on another with its
 * working directory and environment, and a command that never reached the dead shell runs there. A command
 * that may have reached it is never run twice: the caller gets `BACKEND_CRASHED` with `dispatched: true`.
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
  private readonly initial: ManagerConfigInput | undefined;
  private readonly random: () => number;
  private managerId: string;
  private state: 'new' | 'starting' | 'ready' | 'shut-down' = 'new';
  private starting: Promise<BackendResult<void>> | undefined;
  private stopping: Promise<void> | undefined;
  private config: ManagerConfig | undefined;
  private strategy: SelectionStrategy | undefined;
  private readonly groups = new Map<string, MemberGroup>();
  private readonly experiments = new ExperimentSet();
  private swapsDone = 0;
  private swapsFailed = 0;
  private lastSwapMs: number | undefined;
  private retryPolicy: RetryPolicy | undefined;
  private readonly members = new Map<string, PoolMember>();
  private readonly sessions = new Map<string, ManagedSession>();
  /** Session ids being created, so two createSession calls cannot take the same one. */
  private readonly reserved = new Set<string>();
  /** Sessions a failover could not save, and why. */
  private readonly lost = new Map<string, BackendError>();
  private readonly metrics = new MetricsRecorder();
  private caps: BackendCapabilities | undefined;
  private lastStatus: HealthStatus = 'healthy';
  private failovers = 0;
  private migrationsOk = 0;
  private migrationsFailed = 0;
  /** Sessions lost per backend in the current tick, reported as one `failover` event. */
  private readonly lostBatch = new Map<PoolMember, { reason: string; sessions: string[] }>();
  private nextOrder = 0;
  /** Backends being created through the factory: `shutdown()` waits for each, then for its shutdown. */
  private readonly creating = new Set<Promise<unknown>>();
  /** Backends shutting down (retired, replaced, refused): `shutdown()` waits for them. */
  private readonly closing = new Set<Promise<void>>();
  /** Aborted by `shutdown()`: calls stop retrying. */
  private readonly halt = new AbortController();
  /** Calls under the retry policy: `shutdown()` answers those waiting between two attempts at once. */
  private readonly retried = new Set<() => void>();

  constructor(options: BackendManagerOptions) {
    super();
    this.factory = options.factory;
    this.initial = options.config;
    this.strategies = options.strategies ?? new StrategyRegistry();
    this.random = options.random ?? Math.random;
    this.managerId = options.config?.id ?? createId('manager');
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
    if (this.caps) return this.caps;
    const types = this.config
      ? [...this.members.values()].map((m) => m.type)
      : (this.initial?.backends ?? []).map((b) => b.type);
    const plugins = types.map((t) => this.factory.get(t)).filter((p) => p !== undefined);
    if (plugins.length === 0 || plugins.length < types.length) return NO_CAPABILITIES;
    const caps = { ...plugins[0]!.capabilities };
    for (const plugin of plugins.slice(1)) {
      for (const flag of CAPABILITY_FLAGS) caps[flag] = caps[flag] && plugin.capabilities[flag];
      if (ISOLATION_LEVELS.indexOf(plugin.capabilities.isolation) < ISOLATION_LEVELS.indexOf(caps.isolation))
        caps.isolation = plugin.capabilities.isolation;
    }
    if (this.config) this.caps = caps;
    return caps;
  }

  // ---- lifecycle ----

  /**
   * Validates the configuration (`INVALID_CONFIG` naming each bad path), creates every backend through the
   * factory, and starts probing them. Backends that cannot be created yet stay in the pool, out of rotation,
   * and are retried on the probe interval; it fails (`UNAVAILABLE`, each reason listed) only when none can.
   * A config holding only `id` (or nothing) uses the one given to the constructor.
   */
  async initialize(config: BackendConfig = {}): Promise<BackendResult<void>> {
    if (this.state === 'ready') return ok();
    if (this.state === 'shut-down') return this.track(this.notReady());
    if (this.starting) return this.starting;
    this.state = 'starting';
    this.starting = this.start(config).then((r) => {
      this.starting = undefined;
      if (!r.ok && this.state === 'starting') this.state = 'new';
      return this.track(r);
    });
    return this.starting;
  }

  private async start(given: BackendConfig): Promise<BackendResult<void>> {
    const onlyId = Object.keys(given).every((k) => k === 'id');
    const input: unknown = onlyId && this.initial ? { ...this.initial, ...given } : given;
    const parsed = managerConfigSchema.safeParse(input);
    if (!parsed.success) {
      const lines = formatIssues(parsed.error.issues, 'config');
      return fail('INVALID_CONFIG', `invalid manager config: ${lines.join('; ')}`, {
        dispatched: false,
        details: { issues: lines },
      });
    }
    const config = parsed.data;
    const strategy = this.strategies.create(config.strategy);
    if (!strategy) {
      return fail(
        'INVALID_CONFIG',
        `invalid manager config: config.strategy: unknown strategy "${config.strategy}" (registered: ${this.strategies.names().join(', ')})`,
        {
          dispatched: false,
          details: { issues: [`config.strategy: unknown strategy "${config.strategy}"`] },
        },
      );
    }
    const unknown = config.backends.filter((b) => !this.factory.has(b.type));
    if (unknown.length > 0) {
      const known = this.factory.list().map((p) => p.type);
      return fail(
        'INVALID_CONFIG',
        `invalid manager config: unknown backend type${unknown.length > 1 ? 's' : ''} ${unknown.map((b) => `"${b.type}"`).join(', ')} (registered: ${known.join(', ') || 'none'})`,
        { dispatched: false },
      );
    }
    if (config.id) this.managerId = config.id;
    this.config = config;
    this.strategy = strategy;
    const main = newGroup(MAIN_GROUP, config.health);
    this.groups.set(MAIN_GROUP, main);
    // Unref'd: a back-off that shutdown cut short (see `retrying`) must not hold the process open.
    this.retryPolicy = retry(
      handleWhenResult((r) => {
        const result = r as BackendResult<unknown>;
        return !result.ok && !MOVED.has(result.error) && isRetryable(result.error);
      }),
      {
        maxAttempts: config.retry.maxRetries,
        backoff: new ExponentialBackoff({
          initialDelay: config.retry.initialDelayMs,
          maxDelay: config.retry.maxDelayMs,
        }),
      },
    ).dangerouslyUnref();

    const ids = assignIds(config.backends);
    const members = ids.map((id, i) => this.newMember(id, config.backends[i]!, main));
    const created = await Promise.all(members.map((m) => this.startMember(m)));
    if (created.every((r) => !r.ok)) {
      for (const m of members) this.forgetMember(m);
      this.config = undefined;
      const reasons = created.map((r, i) => `${members[i]!.id}: ${r.ok ? 'ok' : r.error.message}`);
      return fail('UNAVAILABLE', `no backend of the pool could be started: ${reasons.join('; ')}`, {
        dispatched: false,
        details: {
          attempts: created.map((r, i) => ({ id: members[i]!.id, error: r.ok ? undefined : r.error })),
        },
      });
    }
    this.caps = undefined;
    this.state = 'ready';
    for (const m of members) this.scheduleProbe(m);
    for (const spec of config.experiments) {
      const launched = await this.launchExperiment(spec);
      if (!launched.ok) {
        // All or nothing: a configured experiment that cannot run fails the start.
        this.state = 'starting';
        await Promise.all([...this.members.values()].map((m) => this.retireMember(m)));
        this.groups.clear();
        this.config = undefined;
        return fail(launched.error);
      }
    }
    this.reportHealth();
    return ok();
  }

  /**
   * Ends every session and shuts every backend down. Resolves once every backend the manager created has
   * shut down — pool members, experiment variants', rebuilt and hot-swap replacements, those still being
   * created when it was called — and every probe and session move in flight has ended: no timer of the
   * manager is left. Safe to call twice; calls made afterwards answer `NOT_INITIALIZED`.
   */
  shutdown(): Promise<void> {
    this.stopping ??= this.stop();
    return this.stopping;
  }

  private async stop(): Promise<void> {
    if (this.starting) await this.starting;
    const wasReady = this.state === 'ready';
    this.state = 'shut-down';
    this.halt.abort();
    for (const answerNow of [...this.retried]) answerNow();
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    for (const s of sessions) s.state = 'closed';
    const members = [...this.members.values()];
    const probes = members.map((m) => m.probing);
    for (const m of members) {
      // Drains waiting for these sessions to leave end now, with their timers.
      m.sessions.clear();
      m.onSessionLeft?.();
    }
    await Promise.all(members.map((m) => this.retireMember(m)));
    if (wasReady) {
      for (const s of sessions) {
        this.metrics.sessionClosed();
        this.emit('session-closed', { sessionId: s.id, reason: 'shutdown' });
      }
    }
    await Promise.all([...sessions.map((s) => s.move), ...probes]);
    // Rebuilds, swaps and experiments starting when shutdown came: their backends are refused, then shut down.
    while (this.creating.size > 0 || this.closing.size > 0) {
      await Promise.all([...this.creating, ...this.closing]);
    }
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
  async addBackend(spec: BackendSpecInput): Promise<BackendResult<string>> {
    const ready = this.readyOrFail();
    if (!ready.ok) return this.track(ready);
    const parsed = this.parseSpec(spec);
    if (!parsed.ok) return this.track(parsed);
    const id = parsed.value.id ?? assignIds([parsed.value], new Set(this.members.keys()))[0]!;
    if (this.members.has(id))
      return this.track(fail('INVALID_INPUT', `a backend with id "${id}" is already in the pool`));
    const member = this.newMember(id, parsed.value, this.mainGroup());
    const started = await this.startMember(member);
    if (!started.ok) {
      this.forgetMember(member);
      return this.track(started);
    }
    if (this.state !== 'ready') {
      await this.retireMember(member);
      return this.track(this.notReady());
    }
    this.caps = undefined;
    this.scheduleProbe(member);
    this.emit('backend-added', { backendId: id, type: member.type });
    this.reportHealth();
    return ok(id);
  }

  /**
   * Takes a backend out of the pool: it gets no new sessions, each of its sessions moves to another backend
   * (with its working directory and environment) as soon as nothing runs in it, or at the deadline
   * (`drainTimeoutMs`, default 30 s); then it shuts down. `INVALID_INPUT` for an unknown id, `BUSY` while
   * it is being drained or swapped.
   */
  async removeBackend(id: string, options: { drainTimeoutMs?: number } = {}): Promise<BackendResult<void>> {
    const found = this.claim(id, 'removal');
    if (!found.ok) return this.track(found);
    const member = found.value;
    await this.drainMember(member, {
      timeoutMs: options.drainTimeoutMs ?? 30_000,
      mode: 'move',
      reason: 'backend-removed',
    });
    await this.retireMember(member);
    this.caps = undefined;
    this.emit('backend-removed', { backendId: id, type: member.type });
    this.reportHealth();
    return ok();
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
  async drain(backendId: string, options: DrainOptions = {}): Promise<BackendResult<DrainReport>> {
    const found = this.claim(backendId, 'drain');
    if (!found.ok) return this.track(found);
    const member = found.value;
    try {
      const report = await this.drainMember(member, {
        timeoutMs: options.timeoutMs ?? 30_000,
        mode: options.mode ?? 'move',
        reason: 'drain',
      });
      this.emit('backend-drained', report);
      this.reportHealth();
      return ok(report);
    } finally {
      member.busy = undefined;
    }
  }

  /** Puts a drained backend back in rotation. */
  undrain(backendId: string): BackendResult<void> {
    const member = typeof backendId === 'string' ? this.members.get(backendId) : undefined;
    if (!member || member.retired) {
      return this.track(fail('INVALID_INPUT', `no backend "${String(backendId)}" in the pool`));
    }
    if (member.busy) {
      return this.track(
        fail('BUSY', `backend ${backendId} is in a ${member.busy}; it cannot be undrained now`),
      );
    }
    member.draining = false;
    member.drainTarget = undefined;
    this.reportHealth();
    return ok();
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
    const parsed = this.parseSpec(spec);
    if (!parsed.ok) return this.track(parsed);
    const found = this.claim(backendId, 'swap');
    if (!found.ok) return this.track(found);
    const old = found.value;
    const started = performance.now();
    const tempId = parsed.value.id ?? `${backendId}~next`;
    if (this.members.has(tempId)) {
      old.busy = undefined;
      return this.track(fail('INVALID_INPUT', `a backend with id "${tempId}" is already in the pool`));
    }
    this.emit('swap-started', { backendId, replacement: tempId, type: parsed.value.type });
    const replacement = this.newMember(tempId, parsed.value, old.group, old.order);
    // Out of rotation until it has proved itself.
    replacement.draining = true;
    const rollback = async (reason: string, error: BackendError): Promise<BackendResult<HotSwapReport>> => {
      await this.retireMember(replacement);
      old.busy = undefined;
      this.swapsFailed++;
      const failed = new BackendError('UNAVAILABLE', `hot swap of ${backendId} rolled back: ${reason}`, {
        dispatched: false,
        backendId,
        cause: error,
      });
      this.emit('swap-failed', { backendId, replacement: tempId, reason, error: failed });
      return this.track(fail(failed));
    };
    const up = await this.startMember(replacement);
    if (!up.ok) return rollback(`the replacement could not be started: ${up.error.message}`, up.error);
    const probes = options.probes ?? this.config!.health.recoveryProbes;
    for (let i = 0; i < probes; i++) {
      const probe = await this.withTimeout(this.runProbe(replacement), this.config!.probe.timeoutMs);
      if (!probe.ok) {
        return rollback(
          `the replacement failed probe ${i + 1} of ${probes}: ${probe.error.message}`,
          probe.error,
        );
      }
    }
    if (old.retired || this.state !== 'ready')
      return rollback('the old backend went away meanwhile', this.notReadyError());
    replacement.draining = false;
    this.scheduleProbe(replacement);
    this.caps = undefined;
    const drained = await this.drainMember(old, {
      timeoutMs: options.drainTimeoutMs ?? 30_000,
      mode: options.mode ?? 'move',
      prefer: replacement,
      reason: 'hot-swap',
    });
    await this.retireMember(old);
    if (parsed.value.id === undefined && !replacement.retired) this.renameMember(replacement, backendId);
    const durationMs = performance.now() - started;
    this.swapsDone++;
    this.lastSwapMs = durationMs;
    const report: HotSwapReport = {
      backendId,
      replacement: replacement.id,
      durationMs,
      moved: drained.moved,
      ended: drained.ended,
      forced: drained.forced,
      lost: drained.lost,
    };
    this.emit('backend-swapped', report);
    this.reportHealth();
    return ok(report);
  }

  /** A backend spec given at run time: valid, and of a type the factory knows. */
  private parseSpec(spec: BackendSpecInput): BackendResult<BackendSpec> {
    const parsed = parseInput(backendSpecSchema, spec, 'spec');
    if (!parsed.ok || this.factory.has(parsed.value.type)) return parsed;
    const known = this.factory.list().map((p) => p.type);
    return fail(
      'INVALID_INPUT',
      `unknown backend type "${parsed.value.type}" (registered: ${known.join(', ')})`,
      {
        dispatched: false,
      },
    );
  }

  /** The backend `id`, marked busy with `what`, if it exists and nothing else is being done to it. */
  private claim(id: string, what: string): BackendResult<PoolMember> {
    const ready = this.readyOrFail();
    if (!ready.ok) return ready;
    const member = typeof id === 'string' ? this.members.get(id) : undefined;
    if (!member || member.retired)
      return fail('INVALID_INPUT', `no backend "${String(id)}" in the pool`, { dispatched: false });
    if (member.busy)
      return fail('BUSY', `backend ${id} is already in a ${member.busy}`, { dispatched: false });
    member.busy = what;
    return ok(member);
  }

  /**
   * Empties `member` (see `drain`); resolves once no session is pinned to it and every move has ended.
   */
  private async drainMember(
    member: PoolMember,
    options: { timeoutMs: number; mode: 'move' | 'finish'; prefer?: PoolMember; reason: DrainReason },
  ): Promise<DrainReport> {
    const started = performance.now();
    member.draining = true;
    member.drainMode = options.mode;
    member.drainTarget = options.prefer;
    member.drainReason = options.reason;
    const initial = [...member.sessions];
    const why = `backend ${member.id} is draining`;
    if (options.mode === 'move') {
      for (const s of initial) if (s.inFlight === 0) this.sessionLost(s, why, options.reason);
    }
    await this.waitUntilEmpty(member, options.timeoutMs);
    const forced = [...member.sessions];
    for (const s of forced) this.sessionLost(s, `${why}; its drain deadline passed`, options.reason);
    await Promise.all(initial.map((s) => s.move));
    let moved = 0;
    let ended = 0;
    let lost = 0;
    for (const s of initial) {
      if (s.member !== member && s.state !== 'closed') moved++;
      else if (s.lostError) lost++;
      else ended++;
    }
    return {
      backendId: member.id,
      moved,
      ended,
      forced: forced.length,
      lost,
      durationMs: performance.now() - started,
    };
  }

  private waitUntilEmpty(member: PoolMember, timeoutMs: number): Promise<void> {
    if (member.sessions.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        member.onSessionLeft = undefined;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      member.onSessionLeft = () => {
        if (member.sessions.size === 0) done();
      };
    });
  }

  /** A swap's replacement takes the id of the backend it replaced. */
  private renameMember(member: PoolMember, id: string): void {
    this.members.delete(member.id);
    member.group.pool.remove(member.id);
    member.id = id;
    member.tracker = member.group.pool.add(id);
    this.members.set(id, member);
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
  async startExperiment(spec: ExperimentSpecInput): Promise<BackendResult<ExperimentReport>> {
    const ready = this.readyOrFail();
    if (!ready.ok) return this.track(ready);
    const parsed = parseInput(experimentSpecSchema, spec, 'experiment');
    if (!parsed.ok) return this.track(parsed);
    const started = await this.launchExperiment(parsed.value);
    if (!started.ok) return this.track(started);
    return ok(this.experimentReportOf(parsed.value.name)!);
  }

  private async launchExperiment(spec: ExperimentSpec): Promise<BackendResult<void>> {
    if (
      this.experiments.has(spec.name) ||
      [...this.groups.values()].some((g) => g.experiment === spec.name)
    ) {
      return fail('INVALID_INPUT', `an experiment named "${spec.name}" is already running`, {
        dispatched: false,
      });
    }
    const unknown = spec.variants.flatMap((v) => v.backends).filter((b) => !this.factory.has(b.type));
    if (unknown.length > 0) {
      return fail(
        'INVALID_INPUT',
        `experiment "${spec.name}": unknown backend type ${unknown.map((b) => `"${b.type}"`).join(', ')}`,
        { dispatched: false },
      );
    }
    const created: PoolMember[] = [];
    for (const variant of spec.variants) {
      const groupId = variantGroupId(spec.name, variant.name);
      const group = newGroup(groupId, this.config!.health, { experiment: spec.name, variant: variant.name });
      this.groups.set(groupId, group);
      const ids = assignIds(variant.backends, new Set(this.members.keys()), `${groupId}.`);
      variant.backends.forEach((b, i) => created.push(this.newMember(ids[i]!, b, group)));
    }
    const results = await Promise.all(created.map((m) => this.startMember(m)));
    const dead = spec.variants.filter(
      (v) => !created.some((m, i) => m.group.variant === v.name && results[i]!.ok),
    );
    if (dead.length > 0 || this.state !== 'ready') {
      await Promise.all(created.map((m) => this.retireMember(m)));
      for (const v of spec.variants) this.groups.delete(variantGroupId(spec.name, v.name));
      const reasons = results.flatMap((r, i) => (r.ok ? [] : [`${created[i]!.id}: ${r.error.message}`]));
      return fail(
        'UNAVAILABLE',
        `experiment "${spec.name}" could not start: no backend of variant ${dead.map((v) => `"${v.name}"`).join(', ')} came up (${reasons.join('; ')})`,
        { dispatched: false },
      );
    }
    this.experiments.start(spec, (variant) => variantGroupId(spec.name, variant));
    for (const m of created) this.scheduleProbe(m);
    this.caps = undefined;
    this.emit('experiment-started', { name: spec.name, variants: spec.variants.map((v) => v.name) });
    return ok();
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
    const ready = this.readyOrFail();
    if (!ready.ok) return this.track(ready);
    const checked = parseInput(experimentUpdateSchema, change, 'change');
    if (!checked.ok) return this.track(checked);
    if (!this.experiments.has(name)) {
      return this.track(
        fail('INVALID_INPUT', `no running experiment "${String(name)}"`, { dispatched: false }),
      );
    }
    if (checked.value.weights) {
      const set = this.experiments.setWeights(name, checked.value.weights);
      if (!set.ok) return this.track(set);
    }
    if (checked.value.traffic !== undefined) this.experiments.setTraffic(name, checked.value.traffic);
    const report = this.experimentReportOf(name)!;
    this.emit('experiment-updated', {
      name,
      traffic: report.traffic,
      weights: Object.fromEntries(report.variants.map((v) => [v.name, v.weight])),
    });
    return ok(report);
  }

  /**
   * Stops assigning sessions to an experiment and returns its final report. Its variants' backends take no
   * new sessions and shut down once their sessions are gone; with `moveSessions: true` those sessions move
   * to the main pool now (each when nothing runs in it), as in a drain.
   */
  async stopExperiment(
    name: string,
    options: { moveSessions?: boolean; drainTimeoutMs?: number } = {},
  ): Promise<BackendResult<ExperimentReport>> {
    const ready = this.readyOrFail();
    if (!ready.ok) return this.track(ready);
    const experiment = this.experiments.stop(name);
    if (!experiment) {
      return this.track(
        fail('INVALID_INPUT', `no running experiment "${String(name)}"`, { dispatched: false }),
      );
    }
    const report = this.experimentReportOf(name)!;
    const members = [...this.members.values()].filter((m) => m.group.experiment === name);
    const retireWhenEmpty = (m: PoolMember): void => {
      if (m.sessions.size === 0) {
        void this.retireMember(m).then(() => this.dropEmptyGroup(m.group));
        return;
      }
      m.onSessionLeft = () => retireWhenEmpty(m);
    };
    for (const m of members) {
      m.draining = true;
      // Left to end where they are, unless moved below.
      m.drainMode = 'finish';
      m.drainReason = 'experiment-stopped';
    }
    if (options.moveSessions) {
      await Promise.all(
        members.map((m) =>
          this.drainMember(m, {
            timeoutMs: options.drainTimeoutMs ?? 30_000,
            mode: 'move',
            reason: 'experiment-stopped',
          }).then(() => this.retireMember(m).then(() => this.dropEmptyGroup(m.group))),
        ),
      );
    } else {
      for (const m of members) retireWhenEmpty(m);
    }
    this.caps = undefined;
    this.emit('experiment-stopped', report);
    return ok(report);
  }

  /** An experiment's figures so far (running or stopped): per variant, and each against the control. */
  experimentReport(name: string): BackendResult<ExperimentReport> {
    const report = typeof name === 'string' ? this.experimentReportOf(name) : undefined;
    if (!report) return fail('INVALID_INPUT', `no experiment "${String(name)}"`, { dispatched: false });
    return ok(report);
  }

  /** The running experiments, in the order they are consulted. */
  runningExperiments(): string[] {
    return this.experiments.names();
  }

  private experimentReportOf(name: string): ExperimentReport | undefined {
    return this.experiments.report(name, (group) =>
      [...this.members.values()].filter((m) => m.group.id === group && !m.retired).map((m) => m.id),
    );
  }

  private dropEmptyGroup(group: MemberGroup): void {
    if (group.id === MAIN_GROUP) return;
    if ([...this.members.values()].some((m) => m.group === group)) return;
    this.groups.delete(group.id);
  }

  /** The backends of the pool, in order. */
  backends(): PoolBackendSummary[] {
    const t = now();
    return [...this.members.values()]
      .sort((a, b) => a.order - b.order)
      .map((m) => ({
        id: m.id,
        type: m.type,
        group: m.group.id,
        weight: m.spec.weight,
        order: m.order,
        running: m.backend !== undefined,
        ejected: m.tracker.ejected,
        draining: m.draining,
        activeSessions: m.sessions.size,
        status: m.backend ? m.tracker.status(t) : 'unhealthy',
      }));
  }

  /**
   * The running instance behind a pool backend (for diagnostics: a tmux backend's socket, a backend's own
   * metrics). Calls made on it directly bypass the manager's routing and health.
   */
  instanceOf(backendId: string): ITerminalBackend | undefined {
    return this.members.get(backendId)?.backend;
  }

  /** The id of the backend a session is pinned to now; `undefined` for an unknown session. */
  backendOf(sessionId: string): string | undefined {
    return this.sessions.get(sessionId)?.member.id;
  }

  private mainGroup(): MemberGroup {
    return this.groups.get(MAIN_GROUP)!;
  }

  private newMember(id: string, spec: BackendSpec, group: MemberGroup, order?: number): PoolMember {
    const config = this.config!;
    const tracker = group.pool.add(id);
    const member: PoolMember = {
      id,
      type: spec.type,
      group,
      spec,
      order: order ?? this.nextOrder++,
      backend: undefined,
      detach: noop,
      breaker: newBreaker(config.circuitBreaker.consecutiveFailures, config.circuitBreaker.halfOpenAfterMs),
      tracker,
      sessions: new Set(),
      byInnerId: new Map(),
      draining: false,
      drainTarget: undefined,
      drainMode: 'move',
      drainReason: 'drain',
      busy: undefined,
      onSessionLeft: undefined,
      retired: false,
      probeTimer: undefined,
      probing: undefined,
      probeSession: undefined,
      rebuilding: undefined,
      ejectedAt: undefined,
      lastStatus: 'healthy',
    };
    this.members.set(id, member);
    return member;
  }

  /** Creates the member's backend through the factory; a failure leaves it ejected, for probes to retry. */
  private async startMember(member: PoolMember): Promise<BackendResult<void>> {
    const created = await this.createBackend(member, (backend) => {
      if (member.retired) return false;
      this.attach(member, backend);
      return true;
    });
    if (created === undefined || (created.ok && member.backend !== created.value)) {
      return fail('UNAVAILABLE', `backend ${member.id} was removed while it started`, { dispatched: false });
    }
    if (!created.ok) {
      if (member.tracker.eject(now(), `it could not be started: ${created.error.message}`)) {
        this.emitEjected(member, `it could not be started: ${created.error.message}`);
      }
      return fail(created.error.withBackendId(member.id));
    }
    return ok();
  }

  /**
   * Every backend the manager has comes from here. Creates one for `member` through the factory and hands it
   * to `adopt` as soon as it exists; one that `adopt` refuses (its slot was retired, the manager is shutting
   * down) is shut down at once. `shutdown()` waits for each creation in flight and each shutdown, so nothing
   * created here outlives the manager. Resolves to the factory's result, or `undefined` when refused.
   */
  private createBackend(
    member: PoolMember,
    adopt: (backend: ITerminalBackend) => boolean,
  ): Promise<BackendResult<ITerminalBackend> | undefined> {
    const creation = this.factory
      .create(member.spec.type, member.spec.config, { id: createId(member.id) })
      .then((created) => secureBackend(created, member.spec.security))
      .then((created) => {
        if (!created.ok || (this.state !== 'shut-down' && adopt(created.value))) return created;
        void this.closeBackend(created.value);
        return undefined;
      });
    this.creating.add(creation);
    const settled = (): void => void this.creating.delete(creation);
    creation.then(settled, settled);
    return creation;
  }

  /** Shuts a backend down; `shutdown()` waits for it. A backend whose shutdown throws counts as shut down. */
  private closeBackend(backend: ITerminalBackend | undefined): Promise<void> {
    if (!backend) return Promise.resolve();
    const closing = Promise.resolve()
      .then(() => backend.shutdown())
      .catch(noop);
    this.closing.add(closing);
    void closing.then(() => this.closing.delete(closing));
    return closing;
  }

  private attach(member: PoolMember, backend: ITerminalBackend): void {
    member.backend = backend;
    const lookup = (innerId: string): ManagedSession | undefined => {
      const s = member.byInnerId.get(innerId);
      return s && s.member === member && s.state === 'live' ? s : undefined;
    };
    const onOutput = (e: OutputEvent): void => {
      const s = lookup(e.sessionId);
      if (!s) return;
      this.emit(
        'output',
        s.innerId === s.id && !s.paneToOuter ? e : { ...e, sessionId: s.id, paneId: outerPane(s, e.paneId) },
      );
    };
    const onStarted = (e: CommandStartedEvent): void => {
      const s = lookup(e.sessionId);
      if (!s) return;
      this.metrics.commandStarted();
      this.emit('command-started', { ...e, sessionId: s.id, paneId: outerPane(s, e.paneId) });
    };
    const onCompleted = (e: CommandExecution): void => {
      const s = lookup(e.sessionId);
      if (!s) return;
      if (e.cwd !== undefined) s.cwd = e.cwd;
      s.environment.observe(e.command, e.status, e.exitCode);
      const execution = this.outerExecution(s, e);
      this.metrics.commandFinished(execution, execution.output.length);
      this.emit('command-completed', execution);
    };
    const onClosed = (e: SessionClosedEvent): void => {
      const s = member.byInnerId.get(e.sessionId);
      if (!s || s.member !== member || s.state !== 'live') return;
      const endedNormally = e.reason === 'destroyed' || (e.reason === 'exited' && !e.signal);
      if (endedNormally) {
        this.forgetSession(s);
        this.emit('session-closed', { ...e, sessionId: s.id });
      } else {
        this.sessionLost(s, `its shell on ${member.id} ${describeClose(e)}`, 'crashed');
      }
    };
    const onHealth = (e: HealthChangedEvent): void => {
      this.emit('backend-health-changed', { backendId: member.id, previous: e.previous, current: e.current });
      // A backend that says it is unhealthy gets probed now rather than at the next interval.
      if (e.current.status === 'unhealthy') this.scheduleProbe(member, 0);
    };
    const onError = (): void => {
      // Errors of calls reach the manager as results; the manager reports its own.
    };
    backend.on('output', onOutput);
    backend.on('command-started', onStarted);
    backend.on('command-completed', onCompleted);
    backend.on('session-closed', onClosed);
    backend.on('health-changed', onHealth);
    backend.on('error', onError);
    member.detach = () => {
      backend.off('output', onOutput);
      backend.off('command-started', onStarted);
      backend.off('command-completed', onCompleted);
      backend.off('session-closed', onClosed);
      backend.off('health-changed', onHealth);
      backend.off('error', onError);
    };
  }

  /** Stops probing a member and shuts its backend down (its sessions end with it). */
  private async retireMember(member: PoolMember): Promise<void> {
    member.retired = true;
    member.draining = true;
    clearTimeout(member.probeTimer);
    const backend = member.backend;
    member.detach();
    member.backend = undefined;
    this.forgetMember(member);
    await this.closeBackend(backend);
  }

  private forgetMember(member: PoolMember): void {
    clearTimeout(member.probeTimer);
    if (this.members.get(member.id) === member) this.members.delete(member.id);
    member.group.pool.remove(member.id);
  }

  /** Only a new instance helps a backend that is gone or calls itself unhealthy. */
  private async needsRebuild(member: PoolMember): Promise<boolean> {
    if (!member.backend) return true;
    try {
      return (await member.backend.getHealth()).status === 'unhealthy';
    } catch {
      return true;
    }
  }

  private rebuild(member: PoolMember): Promise<boolean> {
    member.rebuilding ??= this.replaceBackend(member).finally(() => (member.rebuilding = undefined));
    return member.rebuilding;
  }

  /**
   * Replaces a backend that cannot serve any more (a tmux server that died, an instance that never
   * started) with a fresh one from the factory. Only when no session is pinned to it.
   */
  private async replaceBackend(member: PoolMember): Promise<boolean> {
    if (member.sessions.size > 0 || member.retired) return false;
    const created = await this.createBackend(member, (backend) => {
      // A session that landed on the old instance meanwhile would be stranded by the swap.
      if (member.retired || this.state !== 'ready' || member.sessions.size > 0) return false;
      const old = member.backend;
      member.detach();
      member.probeSession = undefined;
      member.breaker = newBreaker(
        this.config!.circuitBreaker.consecutiveFailures,
        this.config!.circuitBreaker.halfOpenAfterMs,
      );
      this.attach(member, backend);
      void this.closeBackend(old);
      return true;
    });
    return created?.ok === true && member.backend === created.value;
  }

  // ---- selection ----

  private view(member: PoolMember, t: number): BackendView {
    const health = member.tracker.snapshot(t);
    return {
      id: member.id,
      type: member.type,
      weight: member.spec.weight,
      effectiveWeight: member.spec.weight * health.slowStartFactor,
      activeSessions: member.sessions.size,
      latency: health.latency,
      errorRate: health.errorRate,
      consecutiveFailures: health.consecutiveFailures,
      status: health.status,
      ejected: health.ejected,
      order: member.order,
    };
  }

  /** Could a new session go to this backend now? */
  private selectable(m: PoolMember): boolean {
    return (
      m.backend !== undefined &&
      !m.retired &&
      !m.draining &&
      !m.tracker.ejected &&
      breakerState(m.breaker) !== 'open'
    );
  }

  /** A session's groups, in order: its variant's (when it is in an experiment), then the main pool. */
  private groupsFor(s: { assignment: Assignment | undefined }): MemberGroup[] {
    const variant = s.assignment ? this.groups.get(s.assignment.variant.group) : undefined;
    return variant ? [variant, this.mainGroup()] : [this.mainGroup()];
  }

  /**
   * Picks a backend of `group` for a new session among those in rotation (all of them in panic), minus
   * `exclude`.
   */
  private select(group: MemberGroup, exclude: ReadonlySet<PoolMember>, key: string): PoolMember | undefined {
    const t = now();
    const { ids } = group.pool.eligible(t);
    const candidates: BackendView[] = [];
    for (const id of ids) {
      const m = this.members.get(id);
      if (!m || !m.backend || m.draining || exclude.has(m) || breakerState(m.breaker) === 'open') continue;
      candidates.push(this.view(m, t));
    }
    if (candidates.length === 0) return undefined;
    let chosen: BackendView | undefined;
    try {
      chosen = this.strategy!.select(candidates, { key, random: this.random });
    } catch (e) {
      emitErrorSafely(
        this,
        new BackendError('INTERNAL', `strategy "${this.strategy!.name}" threw: ${String(e)}`, {
          dispatched: false,
          cause: e,
        }),
      );
      chosen = candidates[0];
    }
    // A strategy returns one of the candidates; anything else (a user strategy's bug) falls back to the first.
    const member = chosen ? this.members.get(chosen.id) : undefined;
    return member && candidates.some((c) => c.id === member.id)
      ? member
      : this.members.get(candidates[0]!.id);
  }

  /**
   * Opens a session on a backend chosen by the strategy; on an infrastructure failure, tries the next one,
   * and after a full round, waits (backoff) and starts over, up to the retry policy's limit.
   */
  private async open(
    options: (member: PoolMember) => CreateSessionOptions,
    context: ExecutionContext | undefined,
    key: string,
    placement: Placement,
  ): Promise<BackendResult<{ member: PoolMember; info: SessionInfo }>> {
    const avoid = placement.avoid ?? new Set<PoolMember>();
    const pick = (tried: ReadonlySet<PoolMember>): PoolMember | undefined => {
      const prefer = placement.prefer;
      if (prefer && !tried.has(prefer) && this.selectable(prefer)) return prefer;
      const excluded = new Set([...tried, ...avoid]);
      for (const group of placement.groups) {
        const m = this.select(group, excluded, key);
        if (m) return m;
      }
      // Avoided backends (the one a session just died on) are a last resort, not excluded.
      for (const group of placement.groups) {
        const m = this.select(group, tried, key);
        if (m) return m;
      }
      return undefined;
    };
    const round = async (): Promise<BackendResult<{ member: PoolMember; info: SessionInfo }>> => {
      const reasons: string[] = [];
      const tried = new Set<PoolMember>();
      const rebuilt = new Set<PoolMember>();
      for (;;) {
        const member = pick(tried);
        if (!member) break;
        tried.add(member);
        const backend = member.backend!;
        const started = performance.now();
        const created = await this.guarded(member, () => backend.createSession(options(member), context));
        if (created.ok) {
          member.tracker.recordCall(true, performance.now() - started, now());
          return ok({ member, info: created.value });
        }
        const error = created.error.withBackendId(member.id);
        if (!isInfrastructureFailure(error.code) || error.dispatched) return fail(error);
        this.recordFailure(member, error);
        reasons.push(`${member.id}: ${error.message}`);
        // A backend that lost everything (a tmux server that died) is replaced, then tried once more.
        if (
          !rebuilt.has(member) &&
          isDeadBackend(error) &&
          (await this.needsRebuild(member)) &&
          (await this.rebuild(member))
        ) {
          rebuilt.add(member);
          tried.delete(member);
        }
      }
      return fail(
        'UNAVAILABLE',
        `no backend could take the session${reasons.length ? `: ${reasons.join('; ')}` : ' (none in rotation)'}`,
        {
          dispatched: false,
          details: { attempts: [...reasons] },
        },
      );
    };
    return this.retrying(round);
  }

  // ---- sessions ----

  async createSession(
    options?: CreateSessionOptions,
    context?: ExecutionContext,
  ): Promise<BackendResult<SessionInfo>> {
    const ready = this.readyOrFail();
    if (!ready.ok) return this.track(ready);
    const parsed = parseInput(createSessionOptionsSchema, options ?? {}, 'options');
    if (!parsed.ok) return this.track(parsed);
    const ctx = parseExecutionContext(context);
    if (!ctx.ok) return this.track(ctx);
    const { sessionId, ...rest } = parsed.value as CreateSessionOptions;
    const id = sessionId ?? createId('s');
    if (this.sessions.has(id) || this.reserved.has(id)) {
      return this.track(
        fail('INVALID_INPUT', `a session with id "${id}" already exists`, { dispatched: false }),
      );
    }
    this.reserved.add(id);
    try {
      const key = ctx.value.userId ?? id;
      const assignment = this.experiments.assign(key, ctx.value.source);
      const opened = await this.open(() => ({ ...rest, sessionId: id }), ctx.value, key, {
        groups: this.groupsFor({ assignment }),
      });
      if (!opened.ok) return this.track(opened);
      const { member, info } = opened.value;
      if (this.state !== 'ready' || member.retired) {
        await member.backend?.destroySession(info.id);
        return this.track(
          this.state === 'ready'
            ? fail('UNAVAILABLE', `backend ${member.id} was removed while the session started; try again`, {
                dispatched: false,
              })
            : this.notReady(),
        );
      }
      const s = newManagedSession(id, member, info.id, rest, key, info.panes, info.cwd);
      s.assignment = assignment;
      assignment?.variant.stats.sessionStarted();
      this.pin(s, member);
      this.sessions.set(id, s);
      this.metrics.sessionCreated();
      const outer = this.outerInfo(s, info);
      this.emit('session-created', outer);
      return ok(outer);
    } finally {
      this.reserved.delete(id);
    }
  }

  async destroySession(sessionId: string): Promise<BackendResult<void>> {
    const found = this.find(sessionId);
    if (!found.ok) return this.track(found);
    const s = found.value;
    if (s.move) await s.move;
    if (s.state !== 'live') return this.track(this.ended(s));
    s.state = 'closing';
    const member = s.member;
    const r = member.backend ? await member.backend.destroySession(s.innerId) : ok();
    // Gone there already (its shell just died) is as good as destroyed.
    if (!r.ok && r.error.code !== 'SESSION_NOT_FOUND' && r.error.code !== 'NOT_INITIALIZED') {
      s.state = 'live';
      return this.track(fail(r.error.withBackendId(member.id)));
    }
    this.forgetSession(s);
    this.emit('session-closed', { sessionId: s.id, reason: 'destroyed' });
    return ok();
  }

  async listSessions(): Promise<BackendResult<SessionInfo[]>> {
    const ready = this.readyOrFail();
    if (!ready.ok) return this.track(ready);
    const fresh = new Map<ManagedSession, SessionInfo>();
    await Promise.all(
      [...this.members.values()].map(async (m) => {
        if (!m.backend || m.sessions.size === 0) return;
        const listed = await m.backend.listSessions();
        if (!listed.ok) return;
        for (const info of listed.value) {
          const s = m.byInnerId.get(info.id);
          if (s && s.member === m) fresh.set(s, info);
        }
      }),
    );
    const infos: SessionInfo[] = [];
    for (const s of this.sessions.values()) {
      if (s.state === 'closed') continue;
      infos.push(this.outerInfo(s, fresh.get(s)));
    }
    return ok(infos);
  }

  async executeCommand(
    sessionId: string,
    command: string,
    paneId?: string,
    context?: ExecutionContext,
  ): Promise<BackendResult<CommandExecution>> {
    // Read once, here: backends (and retries on others) get the frozen copy, never the caller's object.
    // Refused only once the session is found, in the order a backend checks.
    const ctx = parseExecutionContext(context);
    const r = await this.route(sessionId, paneId, true, async (b, id, pane) =>
      ctx.ok ? b.executeCommand(id, command, pane, ctx.value) : fail(ctx.error),
    );
    const s = this.sessions.get(sessionId);
    if (s?.assignment) recordVariant(s.assignment, r.ok ? [r.value] : undefined);
    if (!r.ok) return r;
    return ok(s ? this.outerExecution(s, r.value) : r.value);
  }

  async executeBatch(
    sessionId: string,
    commands: string[],
    paneId?: string,
    context?: ExecutionContext,
  ): Promise<BackendResult<CommandExecution[]>> {
    const ctx = parseExecutionContext(context);
    const r = await this.route(sessionId, paneId, true, async (b, id, pane) =>
      ctx.ok ? b.executeBatch(id, commands, pane, ctx.value) : fail(ctx.error),
    );
    const s = this.sessions.get(sessionId);
    if (s?.assignment) recordVariant(s.assignment, r.ok ? r.value : undefined);
    if (!r.ok) return r;
    return ok(s ? r.value.map((e) => this.outerExecution(s, e)) : r.value);
  }

  /**
   * Keys for the running command. Not sent while the session moves to another backend: the command they
   * were meant for died with the old shell, and the new shell would run them as a command.
   */
  sendInput(sessionId: string, data: string, paneId?: string): Promise<BackendResult<void>> {
    return this.route(sessionId, paneId, false, (b, id, pane) => b.sendInput(id, data, pane));
  }

  interrupt(sessionId: string, paneId?: string): Promise<BackendResult<void>> {
    return this.route(sessionId, paneId, true, (b, id, pane) => b.interrupt(id, pane));
  }

  capture(sessionId: string, paneId?: string, options?: CaptureOptions): Promise<BackendResult<string>> {
    return this.route(sessionId, paneId, true, (b, id, pane) => b.capture(id, pane, options));
  }

  async resize(sessionId: string, cols: number, rows: number, paneId?: string): Promise<BackendResult<void>> {
    const r = await this.route(sessionId, paneId, true, (b, id, pane) => b.resize(id, cols, rows, pane));
    const s = this.sessions.get(sessionId);
    if (r.ok && s) {
      s.cols = cols;
      s.rows = rows;
    }
    return r;
  }

  /**
   * Every session call: find the session, wait for a move in progress, call its backend (through the
   * circuit breaker, retried with backoff while it certainly did not reach a shell), and follow the session
   * if it moved under the call.
   */
  private async route<T>(
    sessionId: string,
    paneId: string | undefined,
    followMoves: boolean,
    call: SessionCall<T>,
  ): Promise<BackendResult<T>> {
    const found = this.find(sessionId);
    if (!found.ok) return this.track(found);
    const s = found.value;
    s.inFlight++;
    try {
      for (let followed = 0; ; followed++) {
        if (s.move) {
          if (!followMoves) {
            return this.track(
              fail('UNAVAILABLE', `session ${s.id} is moving to another backend; nothing was sent`, {
                dispatched: false,
              }),
            );
          }
          await s.move;
        }
        if (s.state !== 'live') return this.track(s.lostError ? fail(s.lostError) : this.ended(s));
        const member = s.member;
        const moves = s.moves;
        const result = await this.retrying(() => this.attempt(s, member, moves, paneId, call));
        if (result.ok) return result;
        const moved = s.moves !== moves || s.move !== undefined;
        if (followMoves && moved && !result.error.dispatched && followed < MAX_FOLLOWED_MOVES) continue;
        return this.track(result);
      }
    } finally {
      // A draining backend's session moves the moment nothing runs in it: no command sees the move.
      if (--s.inFlight === 0 && s.state === 'live' && s.member.draining && s.member.drainMode === 'move') {
        this.sessionLost(s, `backend ${s.member.id} is draining`, s.member.drainReason);
      }
    }
  }

  /**
   * `call` under the retry policy. A call waiting between two attempts when `shutdown()` comes answers at
   * once with its last failure (a retried failure never reached a shell) rather than after its back-off.
   */
  private retrying<T>(call: () => Promise<BackendResult<T>>): Promise<BackendResult<T>> {
    const halted = this.halt.signal;
    let last: BackendResult<T> | undefined;
    let running = false;
    const attempts = this.retryPolicy!.execute(async () => {
      if (halted.aborted && last) return last;
      running = true;
      try {
        return (last = await call());
      } finally {
        running = false;
      }
    }, halted);
    return new Promise((resolve, reject) => {
      const answerNow = (): void => {
        if (!running && last) resolve(last);
      };
      this.retried.add(answerNow);
      attempts.then(resolve, reject).finally(() => this.retried.delete(answerNow));
    });
  }

  private async attempt<T>(
    s: ManagedSession,
    member: PoolMember,
    moves: number,
    paneId: string | undefined,
    call: SessionCall<T>,
  ): Promise<BackendResult<T>> {
    if (s.moves !== moves || s.move || s.state !== 'live') {
      const error = new BackendError('UNAVAILABLE', `session ${s.id} moved before the call ran`, {
        dispatched: false,
      });
      MOVED.add(error);
      return fail(error);
    }
    const backend = member.backend!;
    const pane = paneId === undefined || !s.paneToInner ? paneId : (s.paneToInner.get(paneId) ?? paneId);
    const result = await this.guarded(member, () => call(backend, s.innerId, pane));
    if (result.ok) {
      member.tracker.recordCall(true, undefined, now());
      return result;
    }
    const error = result.error.withBackendId(member.id);
    if (isInfrastructureFailure(error.code)) this.recordFailure(member, error);
    // The backend no longer has a session the manager still thinks alive there: it lost it.
    if (error.code === 'SESSION_NOT_FOUND' && s.moves === moves && s.state === 'live') {
      this.sessionLost(s, `backend ${member.id} lost it: ${error.message}`, 'crashed');
    }
    if (!error.dispatched && (s.moves !== moves || s.move)) MOVED.add(error);
    return fail(error);
  }

  /**
   * A call through the backend's circuit breaker. An open circuit answers `UNAVAILABLE` (dispatched:
   * false) without calling; sessions pinned there are moved.
   */
  private async guarded<T>(
    member: PoolMember,
    call: () => Promise<BackendResult<T>>,
  ): Promise<BackendResult<T>> {
    try {
      return await member.breaker.execute(call);
    } catch (e) {
      if (e instanceof BrokenCircuitError || e instanceof IsolatedCircuitError) {
        for (const s of [...member.sessions])
          this.sessionLost(s, `the circuit breaker of ${member.id} is open`, 'crashed');
        return fail('UNAVAILABLE', `backend ${member.id} is failing (circuit open); try again later`, {
          dispatched: false,
          backendId: member.id,
        });
      }
      return fail('INTERNAL', `backend ${member.id} threw: ${e instanceof Error ? e.message : String(e)}`, {
        dispatched: true,
        backendId: member.id,
        cause: e,
      });
    }
  }

  // ---- failover ----

  /**
   * A session's backend lost it (crash, lost connection, removal): re-create it elsewhere. Calls waiting on
   * it follow once the move ends.
   */
  private sessionLost(s: ManagedSession, why: string, reason: string): void {
    if (s.state !== 'live') return;
    const from = s.member;
    this.unpin(s, from);
    if (reason === 'crashed')
      this.recordFailure(from, new BackendError('BACKEND_CRASHED', why, { backendId: from.id }));
    this.noteLost(from, why, s.id);
    if (!this.config!.failover.enabled || this.state !== 'ready') {
      this.forgetSession(s);
      this.emit('session-closed', { sessionId: s.id, reason: 'crashed' });
      return;
    }
    s.state = 'moving';
    const oldInnerId = s.innerId;
    // The old shell may still be there (a broken circuit, a removal): it must not live on unseen.
    if (from.backend) void from.backend.destroySession(oldInnerId);
    s.move = this.move(s, from, why, reason).then((r) => {
      s.move = undefined;
      return r;
    });
  }

  private async move(
    s: ManagedSession,
    from: PoolMember,
    why: string,
    reason: string,
  ): Promise<BackendResult<void>> {
    const started = performance.now();
    const snapshot = s.environment.snapshot();
    const size = s.cols !== undefined && s.rows !== undefined ? { cols: s.cols, rows: s.rows } : {};
    const labels = s.options.labels ? { labels: s.options.labels } : {};
    const full = (): CreateSessionOptions => ({
      ...s.options,
      ...size,
      env: snapshot.env,
      ...(s.cwd === undefined ? {} : { cwd: s.cwd }),
      sessionId: s.id,
    });
    let usedCwd = s.cwd;
    let opened = await this.openWithin(full, s, from);
    if (!opened.ok && !isInfrastructureFailure(opened.error.code) && this.state === 'ready') {
      // The other backend refused the old session's id, working directory or shell (a container's /workspace
      // on the host): start with its defaults rather than not at all.
      usedCwd = undefined;
      opened = await this.openWithin(
        () => ({ ...size, ...labels, env: snapshot.env, sessionId: createId('s') }),
        s,
        from,
      );
    }
    if (!opened.ok || this.state !== 'ready' || s.state !== 'moving') {
      if (opened.ok) await opened.value.member.backend?.destroySession(opened.value.info.id);
      const cause = opened.ok
        ? new BackendError('NOT_INITIALIZED', 'the manager was shut down during the move', {
            dispatched: false,
          })
        : opened.error;
      const error = new BackendError(
        'SESSION_NOT_FOUND',
        `session ${s.id} was lost (${why}) and could not be re-created: ${cause.message}`,
        { dispatched: false, backendId: from.id, details: { cause: cause.toJSON() } },
      );
      s.lostError = error;
      this.rememberLost(s.id, error);
      const wasOpen = s.state === 'moving';
      this.forgetSession(s);
      if (wasOpen && this.state === 'ready') {
        this.migrationsFailed++;
        this.emit('session-migration-failed', { sessionId: s.id, from: from.id, error });
        this.emit('session-closed', { sessionId: s.id, reason: 'crashed' });
      }
      return fail(error);
    }
    const { member, info } = opened.value;
    s.innerId = info.id;
    s.moves++;
    const first = info.panes[0];
    if (first !== undefined && (s.panes[0] !== first || s.panes.length > 1)) {
      s.paneToInner = new Map(s.panes[0] === undefined ? [] : [[s.panes[0], first]]);
      s.paneToOuter = new Map(s.panes[0] === undefined ? [] : [[first, s.panes[0]]]);
    } else {
      s.paneToInner = undefined;
      s.paneToOuter = undefined;
    }
    this.pin(s, member);
    const untracked = [...snapshot.untracked];
    if (snapshot.script !== undefined && member.backend) {
      const restored = await member.backend.executeCommand(info.id, snapshot.script, undefined, {
        timeoutMs: 10_000,
      });
      if (!restored.ok || restored.value.exitCode !== 0)
        untracked.push('(the variables that could not be passed as env)');
    }
    if (s.state !== 'moving') return this.ended(s);
    s.cwd = usedCwd ?? info.cwd;
    s.state = 'live';
    this.migrationsOk++;
    if (reason === 'crashed') s.assignment?.variant.stats.failover();
    this.emit('session-migrated', {
      sessionId: s.id,
      from: from.id,
      to: member.id,
      ...(usedCwd === undefined ? {} : { cwd: usedCwd }),
      untracked,
      durationMs: performance.now() - started,
      reason,
    });
    return ok();
  }

  /**
   * `open` for a move, within `failover.timeoutMs`. A session that opens after the deadline is closed at
   * once: nothing would ever use it.
   */
  private async openWithin(
    options: (member: PoolMember) => CreateSessionOptions,
    s: ManagedSession,
    from: PoolMember,
  ): Promise<BackendResult<{ member: PoolMember; info: SessionInfo }>> {
    const opening = this.open(options, undefined, s.key, {
      groups: this.groupsFor(s),
      prefer: from.drainTarget,
      avoid: new Set([from]),
    });
    const ms = this.config!.failover.timeoutMs;
    const result = await this.withTimeout(opening, ms);
    if (!result.ok && result.error.code === 'TIMEOUT') {
      void opening.then((late) => {
        if (late.ok) void late.value.member.backend?.destroySession(late.value.info.id);
      });
    }
    return result;
  }

  /** Groups the sessions a backend lost in one tick into one `failover` event. */
  private noteLost(member: PoolMember, reason: string, sessionId: string): void {
    let batch = this.lostBatch.get(member);
    if (!batch) {
      batch = { reason, sessions: [] };
      this.lostBatch.set(member, batch);
      queueMicrotask(() => {
        this.lostBatch.delete(member);
        this.failovers++;
        this.emit('failover', {
          from: member.id,
          reason: batch!.reason,
          sessions: batch!.sessions,
          at: now(),
        });
      });
    }
    batch.sessions.push(sessionId);
  }

  // ---- health ----

  private recordFailure(member: PoolMember, error: BackendError): void {
    member.tracker.recordCall(false, 0, now(), `${error.code}: ${error.message}`);
    this.evaluate();
  }

  /** Applies the pool's verdicts: ejections (within the cap) and recoveries, as events. */
  private evaluate(): void {
    const changes = [...this.groups.values()].flatMap((g) => g.pool.evaluate(now()));
    for (const change of changes) {
      const member = this.members.get(change.id);
      if (!member) continue;
      // Recoveries happen in probes, which report them.
      if (change.event === 'ejected') this.emitEjected(member, change.reason);
    }
    this.reportHealth();
  }

  private emitEjected(member: PoolMember, reason: string): void {
    member.ejectedAt = now();
    const until = member.tracker.ejectedUntil ?? now();
    this.emit('backend-ejected', {
      backendId: member.id,
      reason,
      ejectionMs: Math.max(0, until - now()),
      ejections: member.tracker.ejections,
    });
    this.scheduleProbe(member, Math.max(0, until - now()));
  }

  private scheduleProbe(member: PoolMember, delayMs?: number): void {
    const probe = this.config?.probe;
    if (!probe?.enabled || member.retired || this.state === 'shut-down') return;
    clearTimeout(member.probeTimer);
    // Jitter keeps the probes of a pool (and of many managers) from firing in lockstep.
    const wait = delayMs ?? probe.intervalMs * (0.9 + 0.2 * Math.random());
    member.probeTimer = setTimeout(() => void this.probe(member), wait);
    member.probeTimer.unref();
  }

  /** Runs one active health check of `member` and acts on it (joins the one running, if any). */
  private probe(member: PoolMember): Promise<void> {
    if (member.retired || this.state !== 'ready') return Promise.resolve();
    member.probing ??= this.probeCycle(member).finally(() => (member.probing = undefined));
    return member.probing;
  }

  private async probeCycle(member: PoolMember): Promise<void> {
    try {
      const started = performance.now();
      const outcome = await this.withTimeout(this.runProbe(member), this.config!.probe.timeoutMs);
      if (member.retired || this.state !== 'ready') return;
      const t = now();
      const latency = performance.now() - started;
      const recovered = member.tracker.recordProbe(
        outcome.ok,
        latency,
        t,
        outcome.ok ? undefined : outcome.error.message,
      );
      if (recovered) {
        this.emit('backend-recovered', { backendId: member.id, outMs: t - (member.ejectedAt ?? t) });
        member.ejectedAt = undefined;
      }
      this.evaluate();
      if (!outcome.ok && member.sessions.size === 0 && (await this.needsRebuild(member))) {
        await this.rebuild(member);
      }
    } finally {
      if (!member.retired && this.state === 'ready') {
        const until = member.tracker.ejectedUntil;
        const interval = this.config!.probe.intervalMs;
        this.scheduleProbe(
          member,
          until !== undefined && until > now() ? Math.min(interval, until - now()) : undefined,
        );
      }
    }
  }

  private async runProbe(member: PoolMember): Promise<BackendResult<void>> {
    const probe = this.config!.probe;
    if (!member.backend && !(await this.rebuild(member))) {
      return fail('UNAVAILABLE', `backend ${member.id} could not be started`, { dispatched: false });
    }
    const backend = member.backend!;
    const health = await backend.getHealth();
    if (health.status === 'unhealthy') {
      return fail(
        'UNAVAILABLE',
        `backend ${member.id} reports itself unhealthy${health.message ? `: ${health.message}` : ''}`,
        {
          dispatched: false,
        },
      );
    }
    if (member.probeSession === undefined) {
      const created = await this.guarded(member, () =>
        backend.createSession(
          { sessionId: createId('vth-probe'), labels: { 'vth.probe': 'true' } },
          probeContext(probe),
        ),
      );
      if (!created.ok) return created;
      member.probeSession = created.value.id;
    }
    const sessionId = member.probeSession;
    const ran = await this.guarded(member, () =>
      backend.executeCommand(sessionId, probe.command, undefined, probeContext(probe)),
    );
    if (!ran.ok) {
      if (ran.error.code === 'SESSION_NOT_FOUND' || ran.error.code === 'BACKEND_CRASHED')
        member.probeSession = undefined;
      return ran;
    }
    if (ran.value.status !== 'completed' || ran.value.exitCode !== 0) {
      if (ran.value.status !== 'completed') {
        // A probe shell stuck in a command is of no further use.
        void backend.destroySession(sessionId);
        member.probeSession = undefined;
      }
      return fail(
        'UNAVAILABLE',
        `probe "${probe.command}" on ${member.id} ended ${ran.value.status} with exit code ${ran.value.exitCode}`,
        {
          dispatched: false,
        },
      );
    }
    return ok();
  }

  /** Runs an active health check of every backend now (also what the interval does), and waits for them. */
  async probeNow(): Promise<void> {
    if (this.state !== 'ready') return;
    await Promise.all([...this.members.values()].map((m) => this.probe(m)));
  }

  /**
   * The manager's health: `healthy` when every backend is in rotation and healthy, `degraded` when some are
   * not but sessions can still be placed (in panic mode too), `unhealthy` when none can take one.
   * `details.backends` holds each backend's health.
   */
  async getHealth(): Promise<BackendHealth> {
    return this.health();
  }

  private health(): BackendHealth {
    const t = now();
    if (this.state !== 'ready') {
      return {
        status: 'unhealthy',
        message: this.state === 'shut-down' ? 'shut down' : 'not initialized',
        checkedAt: t,
      };
    }
    const backends: Record<string, BackendHealthSnapshot & { type: string; running: boolean }> = {};
    let usable = 0;
    let allHealthy = true;
    const eligible = new Set<string>();
    for (const g of this.groups.values()) for (const id of g.pool.eligible(t).ids) eligible.add(id);
    const panic = this.mainGroup().pool.eligible(t).panic;
    for (const m of this.members.values()) {
      const snapshot = m.tracker.snapshot(t);
      backends[m.id] = { ...snapshot, type: m.type, running: m.backend !== undefined };
      if (m.backend && !m.draining && m.group.id === MAIN_GROUP && eligible.has(m.id)) usable++;
      if (!m.backend || snapshot.status !== 'healthy') allHealthy = false;
    }
    const status: HealthStatus = usable === 0 ? 'unhealthy' : allHealthy && !panic ? 'healthy' : 'degraded';
    const out = Object.entries(backends)
      .filter(([, b]) => b.status !== 'healthy' || !b.running)
      .map(
        ([id, b]) =>
          `${id}: ${b.ejected ? `ejected (${b.ejectionReason ?? 'failing'})` : !b.running ? 'not running' : b.status}`,
      );
    return {
      status,
      ...(out.length > 0 ? { message: out.join('; ') } : {}),
      checkedAt: t,
      details: { backends, panic, strategy: this.strategy!.name, usable },
    };
  }

  private reportHealth(): void {
    if (this.state !== 'ready') return;
    const current = this.health();
    for (const m of this.members.values()) {
      const status = m.backend ? m.tracker.status(now()) : 'unhealthy';
      if (status !== m.lastStatus) {
        const previous = m.lastStatus;
        m.lastStatus = status;
        this.emit('backend-health-changed', {
          backendId: m.id,
          previous,
          current: { status, checkedAt: current.checkedAt, details: { ...m.tracker.snapshot(now()) } },
        });
      }
    }
    if (current.status === this.lastStatus) return;
    const previous = this.lastStatus;
    this.lastStatus = current.status;
    this.emit('health-changed', { previous, current });
  }

  getMetrics(): ManagerMetrics {
    const t = now();
    const base = this.metrics.snapshot(this.id, this.type, this.sessions.size);
    const backends: Record<string, PoolBackendMetrics> = {};
    let ejections = 0;
    for (const m of this.members.values()) {
      const health = m.tracker.snapshot(t);
      ejections += health.ejections;
      backends[m.id] = {
        id: m.id,
        type: m.type,
        group: m.group.id,
        weight: m.spec.weight,
        activeSessions: m.sessions.size,
        health,
        circuit: breakerState(m.breaker),
        draining: m.draining,
        ...(m.backend ? { backend: { ...m.backend.getMetrics(), backendId: m.id } } : {}),
      };
    }
    return {
      ...base,
      backends,
      failovers: this.failovers,
      migrations: { succeeded: this.migrationsOk, failed: this.migrationsFailed },
      ejections,
      panic: this.groups.has(MAIN_GROUP) ? this.mainGroup().pool.eligible(t).panic : false,
      swaps: {
        succeeded: this.swapsDone,
        failed: this.swapsFailed,
        ...(this.lastSwapMs === undefined ? {} : { lastDurationMs: this.lastSwapMs }),
      },
    };
  }

  // ---- helpers ----

  private pin(s: ManagedSession, member: PoolMember): void {
    s.member = member;
    member.sessions.add(s);
    member.byInnerId.set(s.innerId, s);
  }

  private unpin(s: ManagedSession, member: PoolMember): void {
    if (!member.sessions.delete(s)) return;
    if (member.byInnerId.get(s.innerId) === s) member.byInnerId.delete(s.innerId);
    member.onSessionLeft?.();
  }

  private forgetSession(s: ManagedSession): void {
    if (s.state === 'closed') return;
    s.state = 'closed';
    this.unpin(s, s.member);
    if (this.sessions.get(s.id) === s) {
      this.sessions.delete(s.id);
      this.metrics.sessionClosed();
      s.assignment?.variant.stats.sessionEnded();
    }
  }

  private outerInfo(s: ManagedSession, info: SessionInfo | undefined): SessionInfo {
    const cwd = info?.cwd ?? s.cwd;
    const panes = info ? info.panes.map((p) => outerPane(s, p)) : [...s.panes];
    return {
      id: s.id,
      backendId: this.id,
      createdAt: s.createdAt,
      ...(cwd === undefined ? {} : { cwd }),
      panes,
      alive: s.state !== 'closed' && (info?.alive ?? true),
      ...(s.options.labels ? { labels: s.options.labels } : {}),
    };
  }

  private outerExecution(s: ManagedSession, e: CommandExecution): CommandExecution {
    return { ...e, sessionId: s.id, paneId: outerPane(s, e.paneId), backendId: this.id };
  }

  private find(sessionId: string): BackendResult<ManagedSession> {
    const ready = this.readyOrFail();
    if (!ready.ok) return ready;
    const s = typeof sessionId === 'string' ? this.sessions.get(sessionId) : undefined;
    if (s) return ok(s);
    const lost = typeof sessionId === 'string' ? this.lost.get(sessionId) : undefined;
    if (lost) return fail(lost);
    const valid = parseInput(sessionIdSchema, sessionId, 'sessionId');
    if (!valid.ok) return valid;
    return fail('SESSION_NOT_FOUND', `no session "${sessionId}" in manager ${this.id}`, {
      dispatched: false,
    });
  }

  /** Keeps why a session was lost, for the calls that still come for it (the most recent ones only). */
  private rememberLost(id: string, error: BackendError): void {
    this.lost.set(id, error);
    if (this.lost.size > LOST_SESSIONS_KEPT) this.lost.delete(this.lost.keys().next().value!);
  }

  private ended(s: ManagedSession): BackendResult<never> {
    return fail('SESSION_NOT_FOUND', `session ${s.id} has ended`, { dispatched: false });
  }

  private readyOrFail(): BackendResult<void> {
    return this.state === 'ready' ? ok() : this.notReady();
  }

  private notReadyError(): BackendError {
    return new BackendError('NOT_INITIALIZED', 'the manager has been shut down', { dispatched: false });
  }

  private notReady(): BackendResult<never> {
    return fail(
      'NOT_INITIALIZED',
      this.state === 'shut-down' ? 'the manager has been shut down' : 'call initialize() first',
      { dispatched: false },
    );
  }

  private track<T>(result: BackendResult<T>): BackendResult<T> {
    if (result.ok) return result;
    this.metrics.error(result.error);
    emitErrorSafely(this, result.error);
    return result;
  }

  private async withTimeout<T>(work: Promise<BackendResult<T>>, ms: number): Promise<BackendResult<T>> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<BackendResult<T>>((resolve) => {
      timer = setTimeout(() => resolve(fail('TIMEOUT', `gave up after ${ms} ms`, { dispatched: false })), ms);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Ids for specs without one: the type, then `type-2`, `type-3`, ... avoiding ids already taken. */
function assignIds(specs: readonly BackendSpec[], taken: Set<string> = new Set(), prefix = ''): string[] {
  for (const spec of specs) if (spec.id !== undefined) taken.add(prefix + spec.id);
  return specs.map((spec) => {
    if (spec.id !== undefined) return prefix + spec.id;
    const base = prefix + spec.type.replace(/[^A-Za-z0-9_-]/g, '-');
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
    taken.add(id);
    return id;
  });
}

/** Errors after which only a new instance of the backend helps (when nothing is pinned to the old one). */
function isDeadBackend(error: BackendError): boolean {
  return error.code === 'UNAVAILABLE' || error.code === 'NOT_INITIALIZED' || error.code === 'BACKEND_CRASHED';
}

/** A variant's figures for one call: its executions (`lost` counts as failed), or `undefined` for an error. */
function recordVariant(assignment: Assignment, executions: CommandExecution[] | undefined): void {
  const stats = assignment.variant.stats;
  if (executions === undefined) {
    stats.commandFailed();
    return;
  }
  for (const e of executions) {
    if (e.status === 'lost') stats.commandFailed();
    else stats.commandSucceeded(e.durationMs);
  }
}

function outerPane(s: ManagedSession, paneId: string): string {
  return s.paneToOuter?.get(paneId) ?? paneId;
}

function describeClose(e: SessionClosedEvent): string {
  if (e.reason === 'crashed') return 'crashed';
  if (e.reason === 'shutdown') return 'ended when the backend shut down';
  return `was killed${e.signal ? ` by ${String(e.signal)}` : ''}`;
}

function noop(): void {
  // Nothing attached yet; nothing to report.
}
