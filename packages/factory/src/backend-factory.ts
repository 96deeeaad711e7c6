import {
  fail,
  ok,
  type BackendCapabilities,
  type BackendError,
  type BackendPlugin,
  type BackendResult,
  type ITerminalBackend,
  type PlatformCheck,
} from '@vth/core';
import { parseInput } from '@vth/core/kit';
import { attemptCreate, type Attempt, type CreateOptions } from './create-attempt';
import { unknownType } from './creation-failure';
import {
  configsSchema,
  createOptionsSchema,
  discoverOptionsSchema,
  factoryOptionsSchema,
  typesSchema,
} from './factory-input-schemas';
import { runPlatformCheck } from './platform-check';
import { discoverPlugins, type DiscoverOptions, type DiscoveryReport } from './plugin-discovery';
import { inspectPlugin, type InspectedPlugin } from './plugin-shape';

export { type CreateOptions } from './create-attempt';
export { type DiscoverOptions, type DiscoveredPlugin, type DiscoveryReport } from './plugin-discovery';

/** What `new BackendFactory` accepts; malformed options throw `INVALID_CONFIG` at construction. */
export interface BackendFactoryOptions {
  /** Registered at construction, as `register` would. */
  plugins?: BackendPlugin[];
  /** A platform probe that has not answered after this long counts as failed. Default 5000. */
  platformCheckTimeoutMs?: number;
}

/** How `register` treats a type already registered. */
export interface RegisterOptions {
  /** Replace a plugin already registered under the same type instead of refusing. */
  replace?: boolean;
}

/** What `register` did: the type registered and what was adapted or ignored on the way. */
export interface PluginRegistration {
  /** The key to `create` it with (`plugin.type`). */
  type: string;
  /** `plugin.<field>: <what>` lines: an undeclared contract version, a flag the plugin predates, ... */
  warnings: string[];
}

/** One registered plugin, as `list` reports it: what a user picks a backend by. */
export interface PluginSummary {
  /** The key to `create` it with. */
  type: string;
  /** The plugin's own version (`plugin.version`), not the contract version. */
  version: string;
  /** One line for people, as the plugin wrote it. */
  description: string;
  /** A copy of the capabilities read at registration; a flag the plugin predates is `false`. */
  capabilities: BackendCapabilities;
}

/** One type `createWithFallback` tried and could not create. */
export interface FallbackFailure {
  /** The type tried. */
  type: string;
  /** Why it failed, as `create` would have answered (`UNAVAILABLE`, `UNSUPPORTED`, `INVALID_CONFIG`, ...). */
  error: BackendError;
}

/** What `createWithFallback` answers when one type worked. */
export interface FallbackSuccess {
  /** Initialized and ready; the caller owns it and must `shutdown()` it. */
  backend: ITerminalBackend;
  /** The type that was created. */
  type: string;
  /** The types tried before it, in order, and why each failed. */
  failures: FallbackFailure[];
}

/**
 * Holds the backend plugins an app can use and creates backends from them: config validated by the
 * plugin's schema, capabilities and platform checked first, failures returned as typed errors, never thrown.
 *
 * @example
 * ```ts
 * const factory = new BackendFactory({ plugins: [tmuxPlugin, nodePtyPlugin] });
 * const created = await factory.createWithFallback(['tmux', 'node-pty'], { tmux: { socketName: 'vth' } });
 * if (created.ok) await created.value.backend.createSession();
 * ```
 */
export class BackendFactory {
  private readonly plugins = new Map<string, InspectedPlugin>();
  private readonly platformCheckTimeoutMs: number;

  /**
   * Throws a `BackendError` (`INVALID_CONFIG`) when `options` or a plugin in `options.plugins` is malformed
   * or a type repeats: these are wiring mistakes in the program, better caught at startup than later.
   *
   * @example
   * ```ts
   * const factory = new BackendFactory({ plugins: [tmuxPlugin], platformCheckTimeoutMs: 2000 });
   * ```
   */
  constructor(options?: BackendFactoryOptions) {
    const parsed = parseInput(factoryOptionsSchema, options, 'options', 'INVALID_CONFIG');
    if (!parsed.ok) throw parsed.error;
    this.platformCheckTimeoutMs = options?.platformCheckTimeoutMs ?? 5000;
    for (const plugin of options?.plugins ?? []) {
      const registered = this.register(plugin);
      if (!registered.ok) throw registered.error;
    }
  }

  /**
   * Adds a plugin after checking its shape (see `inspectPlugin`). `INVALID_CONFIG` names every problem
   * (`plugin.checkPlatform: must be a function`, a `contractVersion` newer than this factory supports), or a
   * type already registered unless `replace` is set. What was adapted comes back as `warnings`: no
   * `contractVersion` declared, a capability flag the plugin predates (read as `false`), unknown capability
   * keys (ignored).
   *
   * @example
   * ```ts
   * const registered = factory.register(plugin);
   * if (!registered.ok) console.error(registered.error.message);
   * else for (const w of registered.value.warnings) console.warn(w);
   * ```
   */
  register(plugin: unknown, options?: RegisterOptions): BackendResult<PluginRegistration> {
    const checked = inspectPlugin(plugin);
    if (!checked.ok) return fail(checked.error);
    const { type, warnings } = checked.value;
    if (this.plugins.has(type) && options?.replace !== true) {
      return fail(
        'INVALID_CONFIG',
        `backend type "${type}" is already registered (pass { replace: true } to replace it)`,
        {
          dispatched: false,
          details: { type },
        },
      );
    }
    this.plugins.set(type, checked.value);
    return ok({ type, warnings: [...warnings] });
  }

  /**
   * Removes a plugin; backends already created from it keep running. Returns whether it was registered.
   *
   * @example
   * ```ts
   * factory.unregister('tmux');
   * ```
   */
  unregister(type: string): boolean {
    return this.plugins.delete(type);
  }

  /**
   * @example
   * ```ts
   * if (!factory.has('tmux')) factory.register(tmuxPlugin);
   * ```
   */
  has(type: string): boolean {
    return this.plugins.has(type);
  }

  /**
   * The registered plugin itself, for its schema or description.
   *
   * @example
   * ```ts
   * const schema = factory.get('tmux')?.configSchema;
   * ```
   */
  get(type: string): BackendPlugin | undefined {
    return this.plugins.get(type)?.plugin;
  }

  /**
   * What is registered, sorted by type.
   *
   * @example
   * ```ts
   * for (const p of factory.list()) console.log(p.type, p.version, p.capabilities.isolation);
   * ```
   */
  list(): PluginSummary[] {
    return [...this.plugins.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([type, p]) => ({
        type,
        version: p.version,
        description: p.description,
        // The known keys only, as read at registration: never the plugin's own object.
        capabilities: { ...p.capabilities },
      }));
  }

  /**
   * Runs the plugin's platform probe. A probe that throws, rejects or hangs past `platformCheckTimeoutMs`
   * is a failed check (`{ ok: false, reason }`); only an unknown type is an error (`UNAVAILABLE`).
   *
   * @example
   * ```ts
   * const check = await factory.checkPlatform('tmux');
   * if (check.ok && !check.value.ok) console.warn(check.value.reason, check.value.hint);
   * ```
   */
  async checkPlatform(type: string): Promise<BackendResult<PlatformCheck>> {
    const plugin = this.plugins.get(type)?.plugin;
    if (plugin === undefined) return fail(unknownType(type, this.plugins.keys()).error);
    return ok(await runPlatformCheck(() => plugin.checkPlatform(), this.platformCheckTimeoutMs));
  }

  /**
   * Creates and initializes a backend. In order: unknown type `UNAVAILABLE`; missing capabilities
   * `UNSUPPORTED`; bad config `INVALID_CONFIG` (each bad path, issues in `details.issues`); failed platform
   * probe `UNAVAILABLE` (`details.reason`, `details.hint`); then `plugin.create(config)` and
   * `initialize({ ...config, id })`. A failed initialize returns its error after `shutdown()`; whatever plugin
   * code throws becomes a BackendError (`INTERNAL` unless it threw one). Every error has `dispatched: false`.
   *
   * @example
   * ```ts
   * const created = await factory.create('tmux', { socketName: 'vth' }, { requiredCapabilities: ['resize'] });
   * if (!created.ok) console.error(created.error.code, created.error.message);
   * ```
   */
  async create(
    type: string,
    config?: unknown,
    options?: CreateOptions,
  ): Promise<BackendResult<ITerminalBackend>> {
    const parsed = parseInput(createOptionsSchema, options, 'options');
    if (!parsed.ok) return fail(parsed.error);
    const attempt = await this.attempt(type, config, options ?? {});
    return attempt.ok ? ok(attempt.backend) : fail(attempt.error);
  }

  /**
   * Tries `types` in order with `configs[type]` and returns the first backend created, with the failures
   * before it. When all fail: one `UNAVAILABLE` error listing each type and why, the failures in
   * `details.attempts`.
   *
   * @example
   * ```ts
   * const created = await factory.createWithFallback(['tmux', 'node-pty'], { 'node-pty': { shell: 'bash' } });
   * if (created.ok) console.log(`using ${created.value.type}`);
   * else console.error(created.error.message); // no backend could be created: tmux: ...; node-pty: ...
   * ```
   */
  async createWithFallback(
    types: string[],
    configs?: Record<string, unknown>,
    options?: CreateOptions,
  ): Promise<BackendResult<FallbackSuccess>> {
    const checks = [
      parseInput(typesSchema, types, 'types'),
      parseInput(configsSchema, configs, 'configs'),
      parseInput(createOptionsSchema, options, 'options'),
    ];
    for (const check of checks) if (!check.ok) return fail(check.error);
    const failures: FallbackFailure[] = [];
    const reasons: string[] = [];
    for (const type of types) {
      // Own keys only: a type named "constructor" must not pick up Object.prototype.constructor as config.
      const config = configs !== undefined && Object.hasOwn(configs, type) ? configs[type] : undefined;
      const attempt = await this.attempt(type, config, options ?? {});
      if (attempt.ok) return ok({ backend: attempt.backend, type, failures });
      failures.push({ type, error: attempt.error });
      reasons.push(`${type}: ${attempt.reason}`);
    }
    return fail('UNAVAILABLE', `no backend could be created: ${reasons.join('; ')}`, {
      dispatched: false,
      details: { attempts: failures },
    });
  }

  /**
   * Finds backend plugins among an app's installed dependencies: each dependency whose package.json has
   * `"vth": { "backend": "./dist/plugin.js" }` is loaded with `import()`, checked by shape and registered.
   * Problems with one dependency land in `failures`; the result is an error only when `from` has no usable
   * package.json (`INVALID_CONFIG`) or the options are malformed (`INVALID_INPUT`).
   *
   * @example
   * ```ts
   * const found = await factory.discover({ from: process.cwd() });
   * if (found.ok) for (const f of found.value.failures) console.warn(`${f.package}: ${f.reason}`);
   * ```
   */
  async discover(options: DiscoverOptions): Promise<BackendResult<DiscoveryReport>> {
    const parsed = parseInput(discoverOptionsSchema, options, 'options');
    if (!parsed.ok) return fail(parsed.error);
    return discoverPlugins(options, this.plugins);
  }

  private async attempt(type: string, config: unknown, options: CreateOptions): Promise<Attempt> {
    const registered = this.plugins.get(type);
    if (registered === undefined) return unknownType(type, this.plugins.keys());
    return attemptCreate(registered, type, config, options, this.platformCheckTimeoutMs);
  }
}
