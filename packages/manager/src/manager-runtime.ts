import { type BackendFactory } from '@vth/factory';
import { type SelectionStrategy } from './backend-view';
import { type Clock, type ManagerEvents } from './context/manager-context';
import { type Readiness } from './context/readiness';
import { ExperimentRunner } from './operations/experiment-runner';
import { FailoverBatches } from './failover/failover-batches';
import { SessionMigrator } from './failover/session-migrator';
import { PoolHealth } from './monitoring/pool-health';
import { Prober } from './monitoring/prober';
import { HotSwaps } from './operations/hot-swap';
import { PoolChanges } from './operations/pool-changes';
import { type ManagerConfig } from './manager-config';
import { type ManagerCounters } from './metrics/manager-counters';
import { type BackendInstances } from './pool/backend-instances';
import { BackendPool } from './pool/backend-pool';
import { CircuitGuard } from './pool/circuit-breaker';
import { CallRouter } from './routing/call-router';
import { RetryRunner } from './routing/retry-runner';
import { SessionCalls } from './routing/session-calls';
import { SessionLifecycle } from './routing/session-lifecycle';
import { SessionPlacer } from './routing/session-placer';
import { relayEvents } from './sessions/event-relay';
import { type ManagedSession, type Member } from './sessions/managed-session';
import { SessionTable } from './sessions/session-table';

/** What outlives one configuration: the manager's identity, its listeners, its counters, its instances. */
export interface RuntimeBase {
  managerId: string;
  config: ManagerConfig;
  strategy: SelectionStrategy;
  factory: BackendFactory;
  instances: BackendInstances;
  readiness: Readiness;
  events: ManagerEvents;
  counters: ManagerCounters;
  clock: Clock;
  random: () => number;
}

/** The collaborators of a started manager, each with the narrow context it needs. */
export interface ManagerRuntime {
  readonly config: ManagerConfig;
  readonly pool: BackendPool<ManagedSession>;
  readonly sessions: SessionTable;
  readonly health: PoolHealth;
  readonly prober: Prober;
  readonly retries: RetryRunner;
  readonly calls: SessionCalls;
  readonly lifecycle: SessionLifecycle;
  readonly changes: PoolChanges;
  readonly swaps: HotSwaps;
  readonly experiments: ExperimentRunner;
}

/**
 * Wires the collaborators of a manager for one configuration. None holds the manager: each gets the parts
 * of `base` it needs, and the few that call each other both ways (a crash found by a call moves sessions,
 * a move opens sessions) are joined through callbacks bound here.
 */
export function assembleRuntime(base: RuntimeBase): ManagerRuntime {
  const { managerId, config, readiness, events, counters, clock } = base;
  const ready = (): boolean => readiness.ready;
  const plugins = base.factory;
  // Set below; the callbacks that use them run only once everything is wired.
  const late: { migrator?: SessionMigrator; prober?: Prober; health?: PoolHealth } = {};
  const lost = (s: ManagedSession, why: string): void => late.migrator!.sessionLost(s, why, 'crashed');

  const sessions = new SessionTable({
    managerId,
    closed: (s) => {
      counters.sessionClosed();
      s.assignment?.variant.stats.sessionEnded();
    },
  });
  const pool = new BackendPool<ManagedSession>({
    config,
    instances: base.instances,
    ready,
    pluginOf: (type) => plugins.get(type),
    hooks: {
      attach: (member, backend) =>
        relayEvents(member, backend, {
          managerId,
          events,
          counters,
          sessions,
          lost,
          idle: (s) => late.migrator!.releaseIfDraining(s),
          unhealthy: (m) => late.prober!.schedule(m, 0),
        }),
      startFailed: (member, reason) => late.health!.startFailed(member, reason),
      left: (member) => late.prober?.stop(member),
    },
  });
  const health = new PoolHealth({
    pool,
    events,
    clock,
    ready,
    strategyName: base.strategy.name,
    probeAfter: (m, delayMs) => late.prober!.schedule(m, delayMs),
  });
  const guard = new CircuitGuard<Member>((member) =>
    late.migrator!.evacuate(member, `the circuit breaker of ${member.id} is open`, 'crashed'),
  );
  const prober = new Prober({
    config: config.probe,
    pool,
    health,
    guard,
    clock,
    ready,
    shutDown: () => readiness.shutDown,
  });
  const retries = new RetryRunner(config.retry, readiness.halt);
  const placer = new SessionPlacer({
    pool,
    strategy: base.strategy,
    random: base.random,
    clock,
    events,
    guard,
    health,
    retries,
  });
  const failovers = new FailoverBatches({ events, counters, clock });
  const mover = new SessionMigrator({
    config: config.failover,
    ready,
    sessions,
    placer,
    health,
    events,
    counters,
    failovers,
  });
  Object.assign(late, { migrator: mover, prober, health });
  const operation = { readiness, plugins, pool, prober, health, mover, events };
  const experiments = new ExperimentRunner(operation);
  return {
    config,
    pool,
    sessions,
    health,
    prober,
    retries,
    calls: new SessionCalls({
      managerId,
      sessions,
      router: new CallRouter({
        readiness,
        sessions,
        retries,
        guard,
        health,
        lost,
        idle: (s) => mover.releaseIfDraining(s),
      }),
    }),
    lifecycle: new SessionLifecycle({
      managerId,
      readiness,
      pool,
      sessions,
      placer,
      assign: (key, source) => experiments.assign(key, source),
      counters,
      events,
    }),
    changes: new PoolChanges(operation),
    swaps: new HotSwaps({
      ...operation,
      counters,
      defaultProbes: config.health.recoveryProbes,
    }),
    experiments,
  };
}
