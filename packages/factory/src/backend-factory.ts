import {
  BackendError,
  LIMITS,
  fail,
  isBackendError,
  ok,
  type BackendCapabilities,
  type BackendCapabilityFlag,
  type BackendErrorCode,
  type BackendPlugin,
  type BackendResult,
  type ITerminalBackend,
  type PlatformCheck,
} from '@vth/core';
import { CAPABILITY_FLAGS, missingCapabilities, parseInput, thrownMessage } from '@vth/core/kit';
import { z } from 'zod';
import { DEPENDENCY_FIELDS, scanDependencies, type DependencyField } from './discover';
import { DEFAULT_LOAD_TIMEOUT_MS, importModuleNatively, type ModuleImporter } from './load-plugin-module';
import { runPlatformCheck } from './platform-check';
import { isRecord } from './is-record';
import { parsePluginConfig, type PluginConfig } from './plugin-config';
import { inspectPlugin, type InspectedPlugin } from './plugin-shape';

export interface BackendFactoryOptions {
  /** Registered at construction, as `register` would. */
  plugins?: BackendPlugin[];
  /** A platform probe that has not answered after this long counts as failed. Default 5000. */
  platformCheckTimeoutMs?: number;
}

export interface RegisterOptions {
  /** Replace a plugin already registered under the same type instead of refusing. */
  replace?: boolean;
}

/** What `register` did: the type registered and what was adapted or ignored on the way. */
export interface PluginRegistration {
  type: string;
  /** `plugin.<field>: <what>` lines: an undeclared contract version, a flag the plugin predates, ... */
  warnings: string[];
}

export interface PluginSummary {
  type: string;
  version: string;
  description: string;
  capabilities: BackendCapabilities;
}

export interface CreateOptions {
  /** Refuse (`UNSUPPORTED`) a backend that lacks any of these. */
  requiredCapabilities?: BackendCapabilityFlag[];
  /** Passed to `initialize` as the backend's id. */
  id?: string;
}

export interface FallbackFailure {
  type: string;
  error: BackendError;
}

export interface FallbackSuccess {
  backend: ITerminalBackend;
  /** The type that was created. */
  type: string;
  /** The types tried before it, in order, and why each failed. */
  failures: FallbackFailure[];
}

export interface DiscoverOptions {
  /** The app's package.json, or the folder holding it. */
  from: string;
  /** Register what is found. Default true; false only reports what would be registered. */
  register?: boolean;
  /** Which dependency lists to read. Default `['dependencies', 'optionalDependencies']`. */
  dependencyFields?: DependencyField[];
  /**
   * Loads a plugin module from its file URL. Default: the runtime's `import()`. Pass your own where
   * `import()` is not available as is, e.g. under Jest without `--experimental-vm-modules`.
   */
  importModule?: ModuleImporter;
  /**
   * A plugin module that has not finished loading after this many milliseconds (an ES module whose
   * top-level `await` never settles) is reported as a failure of its package. Default 10 000. Modules load
   * at once, so one that hangs delays discovery by at most this long, and no other package.
   */
  loadTimeoutMs?: number;
}

export interface DiscoveredPlugin {
  package: string;
  /** The installed package's version. */
  version: string;
  type: string;
  /** Absolute, symlinks resolved: the file that was loaded. */
  modulePath: string;
}

export interface DiscoveryReport {
  plugins: DiscoveredPlugin[];
  failures: Array<{ package: string; reason: string }>;
  /** Dependencies without a `"vth": { "backend": ... }` field. */
  skipped: string[];
  /** What was adapted or ignored in the plugins listed in `plugins`, one line each (see `register`). */
  warnings: Array<{ package: string; message: string }>;
}

/** A failed attempt keeps a reason without the type name, so a fallback summary does not repeat it. */
type Failed = { ok: false; error: BackendError; reason: string };
type Attempt = { ok: true; backend: ITerminalBackend } | Failed;

const functionShape = z.custom<(...args: unknown[]) => unknown>(
  (v) => typeof v === 'function',
  'must be a function',
);

const timeoutSchema = z
  .number({ error: 'must be a number of milliseconds' })
  .int('must be an integer')
  .positive('must be positive')
  .max(LIMITS.timeoutMs, `must be at most ${LIMITS.timeoutMs}`);

const factoryOptionsSchema = z
  .object({
    plugins: z.array(z.unknown(), { error: 'must be an array' }).optional(),
    platformCheckTimeoutMs: timeoutSchema.optional(),
  })
  .optional();

const createOptionsSchema = z
  .object({
    requiredCapabilities: z.array(z.enum(CAPABILITY_FLAGS)).optional(),
    id: z.string({ error: 'must be a string' }).min(1, 'must not be empty').optional(),
  })
  .optional();

const typesSchema = z
  .array(z.string({ error: 'must be a string' }), { error: 'must be an array of backend types' })
  .min(1, 'must name at least one backend type');

const configsSchema = z
  .record(z.string(), z.unknown(), { error: 'must be an object keyed by type' })
  .optional();

const discoverOptionsSchema = z.object(
  {
    from: z.string({ error: 'must be a string' }).min(1, 'must not be empty'),
    register: z.boolean({ error: 'must be a boolean' }).optional(),
    dependencyFields: z.array(z.enum(DEPENDENCY_FIELDS)).optional(),
    importModule: functionShape.optional(),
    loadTimeoutMs: timeoutSchema.optional(),
  },
  { error: 'must be an object' },
);

const DEFAULT_DEPENDENCY_FIELDS: readonly DependencyField[] = ['dependencies', 'optionalDependencies'];

function looksLikeBackend(value: unknown): value is ITerminalBackend {
  return (
    isRecord(value) &&
    typeof (value as { initialize?: unknown }).initialize === 'function' &&
    typeof (value as { shutdown?: unknown }).shutdown === 'function'
  );
}

/** Nothing ran in a shell while a backend was being created, so every creation error is safe to retry. */
function undispatched(error: BackendError): BackendError {
  if (!error.dispatched) return error;
  return new BackendError(error.code, error.message, {
    dispatched: false,
    ...(error.backendId === undefined ? {} : { backendId: error.backendId }),
    ...(error.details === undefined ? {} : { details: error.details }),
    cause: error.cause ?? error,
  });
}

function refuse(
  code: BackendErrorCode,
  message: string,
  reason: string,
  details: Record<string, unknown>,
  cause?: unknown,
): Failed {
  return {
    ok: false,
    error: new BackendError(code, message, {
      dispatched: false,
      details,
      ...(cause === undefined ? {} : { cause }),
    }),
    reason,
  };
}

/** Plugin code may throw anything; a BackendError it throws keeps its code, anything else is INTERNAL. */
function pluginThrew(type: string, stage: string, thrown: unknown): Failed {
  if (isBackendError(thrown)) {
    return { ok: false, error: undispatched(thrown), reason: `${stage} failed: ${thrown.message}` };
  }
  const message = thrownMessage(thrown);
  return refuse(
    'INTERNAL',
    `backend "${type}": ${stage} threw: ${message}`,
    `${stage} threw: ${message}`,
    { type, stage },
    thrown,
  );
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
    if (plugin === undefined) return fail(this.unknownType(type).error);
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
    try {
      const scan = await scanDependencies({
        from: options.from,
        dependencyFields: options.dependencyFields ?? DEFAULT_DEPENDENCY_FIELDS,
        importModule: options.importModule ?? importModuleNatively,
        loadTimeoutMs: options.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS,
      });
      if (!scan.ok) return fail(scan.error);
      const report: DiscoveryReport = { plugins: [], failures: [], skipped: [], warnings: [] };
      const claimedBy = new Map<string, string>();
      for (const dep of scan.value) {
        if (dep.kind === 'skipped') {
          report.skipped.push(dep.package);
          continue;
        }
        if (dep.kind === 'failed') {
          report.failures.push({ package: dep.package, reason: dep.reason });
          continue;
        }
        const checked = inspectPlugin(dep.plugin);
        if (!checked.ok) {
          report.failures.push({ package: dep.package, reason: checked.error.message });
          continue;
        }
        const { type } = checked.value;
        const owner = claimedBy.get(type);
        if (owner !== undefined || this.plugins.has(type)) {
          const by = owner === undefined ? '' : ` by ${owner}`;
          report.failures.push({
            package: dep.package,
            reason: `backend type "${type}" is already registered${by}`,
          });
          continue;
        }
        claimedBy.set(type, dep.package);
        if (options.register !== false) this.plugins.set(type, checked.value);
        report.plugins.push({ package: dep.package, version: dep.version, type, modulePath: dep.modulePath });
        for (const message of checked.value.warnings) report.warnings.push({ package: dep.package, message });
      }
      return ok(report);
    } catch (e) {
      // The scan handles every expected failure itself; this is the promise that discover never throws.
      return fail('INTERNAL', `plugin discovery failed: ${thrownMessage(e)}`, {
        dispatched: false,
        cause: e,
      });
    }
  }

  private unknownType(type: string): Failed {
    const registered = [...this.plugins.keys()].sort();
    const known = registered.length > 0 ? registered.join(', ') : 'none';
    return refuse(
      'UNAVAILABLE',
      `unknown backend type "${type}" (registered: ${known})`,
      `not registered (registered: ${known})`,
      { type, registered },
    );
  }

  private async attempt(type: string, config: unknown, options: CreateOptions): Promise<Attempt> {
    const registered = this.plugins.get(type);
    if (registered === undefined) return this.unknownType(type);
    const { plugin } = registered;

    // Capabilities are a fixed property of the plugin: when they rule it out, config and probe are moot.
    const missing = missingCapabilities(registered.capabilities, options.requiredCapabilities);
    if (missing.length > 0) {
      const list = missing.join(', ');
      return refuse(
        'UNSUPPORTED',
        `backend "${type}" lacks required capabilities: ${list}`,
        `lacks required capabilities: ${list}`,
        { type, missing },
      );
    }

    let parsed: PluginConfig;
    let initConfig: Record<string, unknown> = {};
    try {
      parsed = parsePluginConfig(plugin.configSchema, config ?? {});
      // Copied here, inside the try: the parsed config is plugin output, and its getters may throw.
      if (parsed.ok) {
        initConfig = {
          ...(isRecord(parsed.data) ? parsed.data : {}),
          ...(options.id === undefined ? {} : { id: options.id }),
        };
      }
    } catch (e) {
      return pluginThrew(type, 'configSchema.safeParse()', e);
    }
    if (!parsed.ok) {
      const lines = parsed.issues.length > 0 ? parsed.issues.join('; ') : 'rejected without issues';
      return refuse(
        'INVALID_CONFIG',
        `invalid config for backend "${type}": ${lines}`,
        `invalid config: ${lines}`,
        {
          type,
          issues: parsed.issues,
        },
      );
    }
    const data = parsed.data;

    const check = await runPlatformCheck(() => plugin.checkPlatform(), this.platformCheckTimeoutMs);
    if (!check.ok) {
      const why = check.hint === undefined ? check.reason : `${check.reason} (hint: ${check.hint})`;
      return refuse('UNAVAILABLE', `backend "${type}" is unavailable: ${why}`, why, {
        type,
        reason: check.reason,
        ...(check.hint === undefined ? {} : { hint: check.hint }),
      });
    }

    let backend: ITerminalBackend;
    try {
      const created: unknown = plugin.create(data);
      // Inside the try: reading the methods of what plugin code returned may throw too.
      if (!looksLikeBackend(created)) {
        return refuse(
          'INTERNAL',
          `backend "${type}": create() did not return a backend (no initialize/shutdown methods)`,
          'create() did not return a backend',
          { type, stage: 'create()' },
        );
      }
      backend = created;
    } catch (e) {
      return pluginThrew(type, 'create()', e);
    }

    let failure: Failed;
    try {
      const initialized: unknown = await backend.initialize(initConfig);
      if (isRecord(initialized) && initialized['ok'] === true) return { ok: true, backend };
      const error = isRecord(initialized) ? initialized['error'] : undefined;
      failure = isBackendError(error)
        ? { ok: false, error: undispatched(error), reason: `initialize failed: ${error.message}` }
        : refuse(
            'INTERNAL',
            `backend "${type}": initialize() returned a malformed result`,
            'initialize() returned a malformed result',
            { type, stage: 'initialize()' },
          );
    } catch (e) {
      failure = pluginThrew(type, 'initialize()', e);
    }
    try {
      // Release whatever a half-initialized backend holds (a tmux server, a container) before reporting.
      await backend.shutdown();
    } catch {
      // The initialize error is the one worth reporting.
    }
    return failure;
  }
}
