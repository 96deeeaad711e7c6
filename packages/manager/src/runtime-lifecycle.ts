import { fail, ok, type BackendCapabilities, type BackendConfig, type BackendResult } from '@vth/core';
import { type BackendFactory } from '@vth/factory';
import { checkManagerConfig } from './config-check';
import { type ManagerEvents, systemClock } from './context/manager-context';
import { Readiness } from './context/readiness';
import { type ManagerConfigInput } from './manager-config';
import { assembleRuntime, type ManagerRuntime } from './manager-runtime';
import { type ManagerCounters } from './metrics/manager-counters';
import { assignIds } from './pool/backend-ids';
import { BackendInstances } from './pool/backend-instances';
import { commonCapabilities } from './pool/pool-capabilities';
import { type StrategyRegistry } from './strategies/strategy-registry';

export interface ManagerLifecycleDeps {
  factory: BackendFactory;
  strategies: StrategyRegistry;
  /** The constructor's configuration, for an `initialize` given none (or only an id). */
  initial: ManagerConfigInput | undefined;
  random: () => number;
  events: ManagerEvents;
  counters: ManagerCounters;
  /** The manager's id now, and its change to a configured one. */
  id: () => string;
  rename: (id: string) => void;
  /** Counts and reports a failure the manager answers. */
  track: <T>(result: BackendResult<T>) => BackendResult<T>;
}

/**
 * A manager's life: new -> starting -> ready -> shut-down (a start that fails goes back to new). Starting
 * checks the configuration, wires the collaborators for it (`assembleRuntime`), brings the pool up and
 * starts the configured experiments, all or nothing. Shutting down ends every session, every backend the
 * manager ever created (through `instances`, those still being created included), every probe and move.
 *
 * @example
 * ```ts
 * const started = await lifecycle.initialize({ backends: [{ type: 'tmux' }] });
 * await lifecycle.runtime?.lifecycle.create({ cwd: '/tmp' });
 * await lifecycle.shutdown();
 * ```
 */
export class ManagerLifecycle {
  readonly readiness = new Readiness();
  /** Every backend instance the manager creates and shuts down goes through it. */
  readonly instances: BackendInstances;
  private current: ManagerRuntime | undefined;
  private starting: Promise<BackendResult<void>> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly deps: ManagerLifecycleDeps) {
    this.instances = new BackendInstances(deps.factory, () => this.readiness.shutDown);
  }

  /** See `BackendManager.capabilities`: the pool's, or before `initialize` those of the configured types. */
  get capabilities(): BackendCapabilities {
    if (this.current) return this.current.pool.capabilities;
    const types = (this.deps.initial?.backends ?? []).map((b) => b.type);
    return commonCapabilities(types, (type) => this.deps.factory.get(type));
  }

  /** The collaborators of the configuration in use, from the start of `initialize` (until one fails). */
  get runtime(): ManagerRuntime | undefined {
    return this.current;
  }

  initialize(config: BackendConfig): Promise<BackendResult<void>> {
    if (this.readiness.ready) return Promise.resolve(ok());
    if (this.readiness.shutDown) return Promise.resolve(this.deps.track(this.readiness.refusal()));
    if (this.starting) return this.starting;
    this.readiness.starting();
    this.starting = this.start(config).then((r) => {
      this.starting = undefined;
      if (!r.ok) this.readiness.startFailed();
      return this.deps.track(r);
    });
    return this.starting;
  }

  shutdown(): Promise<void> {
    this.stopping ??= this.stop();
    return this.stopping;
  }

  private async start(given: BackendConfig): Promise<BackendResult<void>> {
    const { deps } = this;
    const onlyId = Object.keys(given).every((k) => k === 'id');
    const input = onlyId && deps.initial ? { ...deps.initial, ...given } : given;
    const checked = checkManagerConfig(input, deps.strategies, deps.factory);
    if (!checked.ok) return checked;
    const { config, strategy } = checked.value;
    if (config.id) deps.rename(config.id);
    const rt = assembleRuntime({
      managerId: deps.id(),
      config,
      strategy,
      factory: deps.factory,
      instances: this.instances,
      readiness: this.readiness,
      events: deps.events,
      counters: deps.counters,
      clock: systemClock,
      random: deps.random,
    });
    this.current = rt;
    const started = await this.bringUp(rt);
    // A start that failed left nothing behind: the next `initialize` starts afresh.
    if (!started.ok) this.current = undefined;
    return started;
  }

  /** Creates the pool (those that cannot start yet stay, for probes to retry), then the experiments. */
  private async bringUp(rt: ManagerRuntime): Promise<BackendResult<void>> {
    const { pool, config } = rt;
    const members = assignIds(config.backends).map((id, i) => pool.add(id, config.backends[i]!, pool.main));
    const created = await Promise.all(members.map((m) => pool.start(m)));
    if (created.every((r) => !r.ok)) {
      for (const m of members) pool.forget(m);
      const reasons = created.map((r, i) => `${members[i]!.id}: ${r.ok ? 'ok' : r.error.message}`);
      return fail('UNAVAILABLE', `no backend of the pool could be started: ${reasons.join('; ')}`, {
        dispatched: false,
        details: {
          attempts: created.map((r, i) => ({ id: members[i]!.id, error: r.ok ? undefined : r.error })),
        },
      });
    }
    this.readiness.started();
    for (const m of members) rt.prober.schedule(m);
    for (const spec of config.experiments) {
      const launched = await rt.experiments.launch(spec);
      if (!launched.ok) {
        // All or nothing: a configured experiment that cannot run fails the start.
        this.readiness.starting();
        await Promise.all(pool.all().map((m) => pool.retire(m)));
        return launched;
      }
    }
    rt.health.report();
    return ok();
  }

  private async stop(): Promise<void> {
    if (this.starting) await this.starting;
    const wasReady = this.readiness.ready;
    this.readiness.shuttingDown();
    const rt = this.current;
    if (rt) {
      rt.retries.answerAllNow();
      const sessions = rt.sessions.closeAll();
      const members = rt.pool.all();
      const probes = rt.prober.inFlight();
      // Drains waiting for these sessions to leave end now, with their timers.
      for (const m of members) m.unpinAll();
      await Promise.all(members.map((m) => rt.pool.retire(m)));
      if (wasReady) {
        for (const s of sessions) {
          this.deps.counters.sessionClosed();
          this.deps.events.emit('session-closed', { sessionId: s.id, reason: 'shutdown' });
        }
      }
      await Promise.all([...sessions.map((s) => s.move), ...probes]);
    }
    // Rebuilds, swaps and experiments starting when shutdown came: their backends are refused, then shut down.
    await this.instances.settled();
  }
}
