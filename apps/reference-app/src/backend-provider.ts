import { fail, ok, type BackendResult, type ITerminalBackend } from '@vth/core';
import { type BackendFactory } from '@vth/factory';
import { BackendManager, type BackendSpec, type ManagerConfig } from '@vth/manager';
import { applySecurityLayer, type SecurityOptions } from '@vth/security';
import { inject, injectable } from 'tsyringe';
import { type AppConfig } from './config';
import { TOKENS } from './tokens';

/**
 * Creates the one backend a CLI run uses and remembers it: the type asked for (`--backend`, else the
 * config's `defaultBackend`), else the config's `manager` pool when there is one, else the first of
 * `fallbackOrder` that works here. Each type gets its config from `backends[type]`, validated by its
 * plugin; `manager` (asked for by name, or configured) is a `BackendManager` over the `manager` section. The
 * config's `security` is put in front of the backend created, or of each pool backend without its own.
 *
 * @example
 * ```ts
 * const provider = container.resolve(BackendProvider);
 * const backend = await provider.get('node-pty');
 * try { ... } finally { await provider.shutdown(); }
 * ```
 */
/** The backend name that selects the manager pool of the config. */
export const MANAGER = 'manager';

@injectable()
export class BackendProvider {
  private creating: Promise<BackendResult<ITerminalBackend>> | null = null;

  constructor(
    @inject(TOKENS.Config) private readonly config: AppConfig,
    @inject(TOKENS.BackendFactory) private readonly factory: BackendFactory,
  ) {}

  /** The backend, created on first call. Asking for another type than the one created is `INVALID_INPUT`. */
  async get(requested?: string): Promise<BackendResult<ITerminalBackend>> {
    this.creating ??= this.create(requested);
    const created = await this.creating;
    if (!created.ok || requested === undefined || created.value.type === requested) return created;
    return fail(
      'INVALID_INPUT',
      `a "${created.value.type}" backend is already in use; cannot switch to "${requested}"`,
      { dispatched: false },
    );
  }

  /** Shuts the backend down (ending its sessions), also one still being created. Safe to call twice. */
  async shutdown(): Promise<void> {
    const creating = this.creating;
    this.creating = null;
    const created = await creating;
    if (created?.ok) await created.value.shutdown();
  }

  private async create(requested: string | undefined): Promise<BackendResult<ITerminalBackend>> {
    const type = requested ?? this.config.defaultBackend;
    if (type === MANAGER || (type === undefined && this.config.manager !== undefined))
      return this.createManager();
    if (type !== undefined) return this.secured(await this.factory.create(type, this.configFor(type)));
    const created = await this.factory.createWithFallback(this.config.fallbackOrder, this.config.backends);
    return created.ok ? this.secured(ok(created.value.backend)) : created;
  }

  private secured(created: BackendResult<ITerminalBackend>): BackendResult<ITerminalBackend> {
    const security = this.config.security;
    return created.ok && security ? ok(applySecurityLayer(created.value, security)) : created;
  }

  private async createManager(): Promise<BackendResult<ITerminalBackend>> {
    if (this.config.manager === undefined) {
      return fail('INVALID_CONFIG', 'the "manager" backend needs a "manager" section in the config file', {
        dispatched: false,
      });
    }
    const config = withDefaultSecurity(this.config.manager, this.config.security);
    const manager = new BackendManager({ factory: this.factory, config });
    const started = await manager.initialize();
    if (!started.ok) {
      await manager.shutdown();
      return started;
    }
    return ok(manager);
  }

  private configFor(type: string): unknown {
    // Own keys only: a type named "constructor" must not pick up Object.prototype.constructor.
    return Object.hasOwn(this.config.backends, type) ? this.config.backends[type] : undefined;
  }
}

/** Each backend spec of the pool (its experiments' too) that has no security layer of its own gets `security`. */
export function withDefaultSecurity(
  config: ManagerConfig,
  security: SecurityOptions | undefined,
): ManagerConfig {
  if (security === undefined) return config;
  const spec = (s: BackendSpec): BackendSpec => (s.security === undefined ? { ...s, security } : s);
  return {
    ...config,
    backends: config.backends.map(spec),
    experiments: config.experiments.map((e) => ({
      ...e,
      variants: e.variants.map((v) => ({ ...v, backends: v.backends.map(spec) })),
    })),
  };
}
