import {
  BackendError,
  ok,
  sessionIdSchema,
  type BackendPlugin,
  type BackendResult,
  type ITerminalBackend,
} from '@vth/core';
import { BackendFactory, type FallbackFailure } from '@vth/factory';
import { BackendManager, type ExperimentReport, type SessionMigratedEvent } from '@vth/manager';
import { z } from 'zod';
import { createDefaultFactory, describeDiscovery } from './default-factory';
import { type BackendSelectedEvent } from './events';
import { backendPlan, type ResolvedTmuxIntegrationConfig } from './tmux-integration-config';

/** The experiment `enableABTesting` runs: one variant per backend type that can be created. */
export const AB_EXPERIMENT = 'backends';

/** Where experiment reports come from: the integration's own `BackendManager`. */
export interface ExperimentReports {
  experimentReport(name: string): BackendResult<ExperimentReport>;
}

/** Where the moves of a pool's sessions to new shells are announced: a `BackendManager`'s events. */
export interface MigrationEvents {
  on(event: 'session-migrated', listener: (event: SessionMigratedEvent) => void): unknown;
  off(event: 'session-migrated', listener: (event: SessionMigratedEvent) => void): unknown;
}

/** What a backend that fails over by itself offers besides the contract: a `BackendManager`'s. */
interface SessionPool extends ExperimentReports {
  backends(): unknown[];
}

/** The backend `initialize()` settled on, and how the integration talks to it. */
export interface SelectedBackend extends Omit<BackendSelectedEvent, 'backendId'> {
  /** What `integration.backend` is: the injected backend, or the integration's own manager. */
  backend: ITerminalBackend;
  /**
   * Where the sessions the integration creates live: `backend`, or (an injected backend in 'reliability'
   * mode) a manager over it, which re-creates a session lost before a command reached it.
   */
  pool: ITerminalBackend;
  /** With `enableABTesting`: the reports of the integration's own manager. */
  experiments?: ExperimentReports;
  /** The integration's own manager (over tmux and the fallbacks, or over the injected backend). */
  migrations?: MigrationEvents;
  /** Shuts down what the integration owns: its manager, an injected backend it was given to own. */
  release(): Promise<void>;
}

/** Wraps a failure for throwing, reporting it to the integration's `error` listeners. */
export type Raise = (error: BackendError, message?: string) => Error;

/**
 * The backend of a `TmuxIntegration`: the injected one (under a manager of its own in 'reliability' mode,
 * unless it is a manager already), or a new `BackendManager` over tmux and the fallback backends.
 */
export async function selectBackend(
  config: ResolvedTmuxIntegrationConfig,
  raise: Raise,
): Promise<SelectedBackend> {
  const injected = config.backend;
  if (injected === undefined) return createPool(config, raise);
  const release = () => (config.ownsBackend ? injected.shutdown() : Promise.resolve());
  const selected = { backend: injected, type: injected.type, failures: [] };
  if (!config.recreateLostSessions || isSessionPool(injected)) {
    return { ...selected, pool: injected, release };
  }
  const pool = await poolOver(injected, config.ownsBackend);
  if (!pool.ok) throw raise(pool.error);
  const manager = pool.value;
  return { ...selected, pool: manager, migrations: manager, release: () => manager.shutdown() };
}

/** A `BackendManager` (anything with its pool listing and experiment reports) moves lost sessions itself. */
function isSessionPool(backend: ITerminalBackend): backend is ITerminalBackend & SessionPool {
  const members = backend as unknown as Record<string, unknown>;
  return typeof members['experimentReport'] === 'function' && typeof members['backends'] === 'function';
}

/** The one backend type of a manager over an injected backend. */
const INJECTED = 'injected';

/**
 * A manager over one injected backend, for its failover: a session the backend lost before a command
 * reached it is re-created there (same id, cwd and environment) and the command runs in it. Probes are off:
 * they would open sessions of their own on a backend someone else may be watching. The manager takes the
 * backend's id, so sessions and results keep naming it; it shuts the backend down only when the
 * integration owns it.
 */
async function poolOver(backend: ITerminalBackend, owned: boolean): Promise<BackendResult<BackendManager>> {
  const plugin: BackendPlugin = {
    type: INJECTED,
    version: '1.0.0',
    description: 'the backend handed to TmuxIntegration',
    contractVersion: 1,
    capabilities: backend.capabilities,
    configSchema: z.strictObject({}),
    checkPlatform: async () => ({ ok: true }),
    create: () => adopted(backend, owned),
  };
  const id = sessionIdSchema.safeParse(backend.id).success ? { id: backend.id } : {};
  const manager = new BackendManager({ factory: new BackendFactory({ plugins: [plugin] }) });
  const started = await manager.initialize({
    ...id,
    backends: [{ type: INJECTED, ...id }],
    probe: { enabled: false },
  });
  if (started.ok) return ok(manager);
  await manager.shutdown();
  return started;
}

/**
 * The injected backend as its manager sees it. A session the backend reported lost may still be there
 * (the manager destroys it without waiting, to move on): re-creating it under the same id waits for that
 * destroy, so the id is free. `shutdown()` leaves the backend running when the integration does not own it.
 */
function adopted(backend: ITerminalBackend, owned: boolean): ITerminalBackend {
  const destroying = new Map<string, Promise<unknown>>();
  const destroySession = (sessionId: string) => {
    const destroyed = backend.destroySession(sessionId);
    destroying.set(sessionId, destroyed);
    const settled = () => {
      if (destroying.get(sessionId) === destroyed) destroying.delete(sessionId);
    };
    destroyed.then(settled, settled);
    return destroyed;
  };
  const createSession: ITerminalBackend['createSession'] = async (options, context) => {
    const pending = typeof options?.sessionId === 'string' ? destroying.get(options.sessionId) : undefined;
    if (pending) await pending.catch(() => undefined);
    return backend.createSession(options, context);
  };
  const own: Partial<ITerminalBackend> = {
    destroySession,
    createSession,
    ...(owned ? {} : { shutdown: () => Promise.resolve() }),
  };
  return new Proxy(backend, {
    get(target, key) {
      if (Object.hasOwn(own, key)) return own[key as keyof ITerminalBackend];
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * A `BackendManager` over tmux and the fallback backends (those the factory knows), with the configured
 * strategy, and with `enableABTesting` an experiment comparing them. The selected type is the backend new
 * sessions go to first; `failures` name the types that could not be created.
 */
async function createPool(config: ResolvedTmuxIntegrationConfig, raise: Raise): Promise<SelectedBackend> {
  let factory = config.factory;
  let discovery;
  if (factory === undefined) ({ factory, discovery } = await createDefaultFactory(process.cwd()));
  const why = discovery === undefined ? '' : ` (${describeDiscovery(discovery)})`;
  const { types, configs } = backendPlan(config);
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
    const reason = `unknown backend type "${type}" (registered: ${listed})`;
    failures.push({ type, error: new BackendError('UNAVAILABLE', reason, { dispatched: false }) });
    reasons.push(`${type}: not registered (registered: ${listed})`);
  }
  if (known.length === 0) {
    const message = `no backend could be created: ${reasons.join('; ')}`;
    const details = { attempts: failures };
    throw raise(new BackendError('UNAVAILABLE', message, { dispatched: false, details }), `${message}${why}`);
  }
  if (config.enableABTesting && known.length < 2) {
    const message =
      `enableABTesting compares backend types, and only ${known.join(', ')} can be created here; ` +
      'name another in fallbackBackends (and install its plugin)';
    throw raise(new BackendError('INVALID_CONFIG', message, { dispatched: false }));
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
    strategy: config.backendSelectionStrategy,
    experiments: config.enableABTesting
      ? [{ name: AB_EXPERIMENT, variants: known.map((type) => ({ name: type, backends: [spec(type)] })) }]
      : [],
  });
  if (!started.ok) {
    await manager.shutdown();
    const attempts = [
      ...reasons,
      started.error.message.replace(/^no backend of the pool could be started: /, ''),
    ];
    const message = `no backend could be created: ${attempts.join('; ')}`;
    const error = new BackendError('UNAVAILABLE', message, {
      dispatched: false,
      cause: started.error,
      details: { attempts: [...failures, ...known.map((type) => ({ type, error: started.error }))] },
    });
    throw raise(error, `${message}${why}`);
  }
  const first = manager.backends().find((b) => b.group === 'main' && b.running && !b.ejected);
  return {
    backend: manager,
    pool: manager,
    migrations: manager,
    type: first?.type ?? known[0]!,
    failures,
    ...(discovery === undefined ? {} : { discovery }),
    ...(config.enableABTesting ? { experiments: manager } : {}),
    release: () => manager.shutdown(),
  };
}
