import { fail, ok, type BackendResult } from '@vth/core';
import { type BackendFactory } from '@vth/factory';
import { BackendManager, type ManagerConfigInput } from '@vth/manager';
import { MANAGER, withDefaultSecurity } from './backend-provider';
import { type AppConfig } from './config';

/**
 * A `BackendManager` for a long-running command (`vth serve`, `vth mcp`): the config's `manager` pool, or a
 * pool of the one backend asked for (`requested`, `defaultBackend`), or of the `fallbackOrder` types with
 * primary-fallback, so there is always a pool. With `secured`, the config's `security` goes in front of
 * each pool backend that has none of its own.
 *
 * @example
 * ```ts
 * const pool = await createManagerPool(config, factory, options.backend, { secured: true });
 * if (!pool.ok) return this.failed(pool.error);
 * ```
 */
export async function createManagerPool(
  config: AppConfig,
  factory: BackendFactory,
  requested: string | undefined,
  options: { secured?: boolean } = {},
): Promise<BackendResult<BackendManager>> {
  const type = requested ?? config.defaultBackend;
  const security = options.secured ? config.security : undefined;
  const spec = (t: string) => ({
    type: t,
    ...(Object.hasOwn(config.backends, t) ? { config: config.backends[t] as Record<string, unknown> } : {}),
    ...(security === undefined ? {} : { security }),
  });
  const configured = config.manager && withDefaultSecurity(config.manager, security);
  const pool: ManagerConfigInput | undefined =
    type === MANAGER || (type === undefined && config.manager !== undefined)
      ? configured
      : {
          backends: (type === undefined ? config.fallbackOrder : [type]).map(spec),
          strategy: 'primary-fallback' as const,
        };
  if (pool === undefined)
    return fail('INVALID_CONFIG', 'the "manager" backend needs a "manager" section in the config file', {
      dispatched: false,
    });
  const manager = new BackendManager({ factory, config: pool });
  const started = await manager.initialize();
  if (!started.ok) {
    await manager.shutdown();
    return started;
  }
  return ok(manager);
}
