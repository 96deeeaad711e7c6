import { type BackendError } from '@vth/core';
import { BackendFactory } from '@vth/factory';
import { expectOk } from '@vth/testkit';
import { type Clock, type ManagerEvents, systemClock } from '../src/context/manager-context';
import { Readiness } from '../src/context/readiness';
import { managerConfigSchema, type ManagerConfig, type ManagerConfigInput } from '../src/manager-config';
import { type ManagerEventMap } from '../src/manager-events';
import { ManagerCounters } from '../src/metrics/manager-counters';
import { PoolHealth } from '../src/monitoring/pool-health';
import { BackendInstances } from '../src/pool/backend-instances';
import { BackendPool, type PoolHooks } from '../src/pool/backend-pool';
import { type MemberGroup } from '../src/pool/member-group';
import { Prober } from '../src/monitoring/prober';
import { CircuitGuard, newBreaker } from '../src/pool/circuit-breaker';
import { newGroup } from '../src/pool/member-group';
import { PoolMember } from '../src/pool/pool-member';
import { healthThresholdsSchema } from '../src/health-thresholds';
import { ManagedSession, type ManagedSessionInit, type Member } from '../src/sessions/managed-session';
import { createFakePlugin, type FakeBackend, type FakePlugin } from '../src/testing';

/** What a collaborator of the manager is given, over fake backends, for its unit tests. */
export interface FakePool {
  fakes: FakePlugin;
  factory: BackendFactory;
  config: ManagerConfig;
  readiness: Readiness;
  instances: BackendInstances;
  pool: BackendPool<ManagedSession>;
  health: PoolHealth;
  counters: ManagerCounters;
  clock: Clock;
  events: ManagerEvents;
  /** Every event emitted, in order. */
  seen: Array<[keyof ManagerEventMap, unknown]>;
  /** Every error reported without a result. */
  errors: BackendError[];
  /** Members the health asked to probe after an ejection, with the delay. */
  probesAsked: Array<[string, number]>;
  /** A started member `id` of `group` (default: the main pool). */
  member(id: string, group?: MemberGroup): Promise<Member>;
  fakeOf(member: Member): FakeBackend;
}

/**
 * A ready pool of fake backends and the context its collaborators share (config, readiness, events,
 * counters, health), none of it a manager: what each collaborator's unit tests build on.
 */
export function fakePool(
  config: Partial<ManagerConfigInput> = {},
  options: { fakes?: FakePlugin; hooks?: Partial<PoolHooks<ManagedSession>>; clock?: Clock } = {},
): FakePool {
  const fakes = options.fakes ?? createFakePlugin();
  const factory = new BackendFactory({ plugins: [fakes.plugin] });
  const parsed = managerConfigSchema.parse({ backends: [{ type: 'fake' }], ...config });
  const readiness = new Readiness();
  readiness.starting();
  readiness.started();
  const instances = new BackendInstances(factory, () => readiness.shutDown);
  const seen: FakePool['seen'] = [];
  const errors: BackendError[] = [];
  const probesAsked: Array<[string, number]> = [];
  const events: ManagerEvents = {
    emit: (event, ...args) => void seen.push([event, args[0]]),
    error: (error) => void errors.push(error),
  };
  const late: { health?: PoolHealth } = {};
  const pool = new BackendPool<ManagedSession>({
    config: parsed,
    instances,
    ready: () => readiness.ready,
    pluginOf: (type) => factory.get(type),
    hooks: {
      attach: () => () => undefined,
      startFailed: (member, reason) => late.health!.startFailed(member, reason),
      left: () => undefined,
      ...options.hooks,
    },
  });
  const health = new PoolHealth({
    pool,
    events,
    clock: options.clock ?? systemClock,
    ready: () => readiness.ready,
    strategyName: 'primary-fallback',
    probeAfter: (m, delayMs) => void probesAsked.push([m.id, delayMs]),
  });
  late.health = health;
  return {
    fakes,
    factory,
    config: parsed,
    readiness,
    instances,
    pool,
    health,
    counters: new ManagerCounters(),
    clock: options.clock ?? systemClock,
    events,
    seen,
    errors,
    probesAsked,
    member: async (id, group = pool.main) => {
      const m = pool.add(id, { type: 'fake', config: {}, weight: 1 }, group);
      expectOk(await pool.start(m));
      return m;
    },
    fakeOf: (member) => member.backend as FakeBackend,
  };
}

/** A member of no pool, with no backend: what transitions and pins are tested on. */
export function looseMember(id = 'a'): Member {
  const group = newGroup('main', healthThresholdsSchema.parse({}));
  return new PoolMember<ManagedSession>({
    id,
    spec: { type: 'fake', config: {}, weight: 1 },
    group,
    order: 0,
    tracker: group.pool.add(id),
    newBreaker: () => newBreaker(5, 10_000),
  });
}

/** A live session `id` pinned to `member` (the same id there, one pane `0`, unless `init` says otherwise). */
export function pinnedSession(
  member: Member,
  id: string,
  init: Partial<ManagedSessionInit> = {},
): ManagedSession {
  const s = new ManagedSession({
    id,
    member,
    innerId: id,
    options: {},
    key: id,
    panes: ['0'],
    cwd: undefined,
    assignment: undefined,
    ...init,
  });
  s.pinTo(member);
  return s;
}

/** A prober of the fake pool's members (interval probes as `config.probe` says). */
export function proberOf(base: FakePool): Prober {
  return new Prober({
    config: base.config.probe,
    pool: base.pool,
    health: base.health,
    guard: new CircuitGuard<Member>(() => undefined),
    clock: base.clock,
    ready: () => base.readiness.ready,
    shutDown: () => base.readiness.shutDown,
  });
}
