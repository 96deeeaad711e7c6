import { PLUGIN_CONTRACT_VERSION, type BackendPlugin } from '@vth/core';
import { z } from 'zod';
import { MemoryBackend } from './memory-backend';
import { MEMORY_CAPABILITIES, type MemoryBackendOptions } from './memory-options';

/** What `memoryPlugin` validates by default: the options a memory backend can be created with. */
export const memoryConfigSchema = z.strictObject({
  latencyMs: z.number().min(0).optional(),
  cwd: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
});

/** The config `memoryConfigSchema` accepts: `latencyMs`, `cwd`, `env`. */
export type MemoryPluginConfig = z.output<typeof memoryConfigSchema>;

/**
 * How `memoryPlugin` makes its plugin: any field of `BackendPlugin` given here replaces the default one
 * (to test a caller against an odd plugin), plus how each backend is made.
 */
export interface MemoryPluginOptions<C> extends Partial<BackendPlugin<C>> {
  /** The backend options for a validated config. Default: its `latencyMs`, `cwd` and `env`. */
  backend?: (config: C) => MemoryBackendOptions;
  /** Programs each new backend (latency, faults) before anything uses it. */
  configure?: (backend: MemoryBackend) => void;
}

/** A plugin of memory backends, and what it made. */
export type MemoryPlugin<C> = BackendPlugin<C> & {
  /** Every backend the plugin created, in order (a manager's rebuilds included). */
  readonly created: MemoryBackend[];
  /** The last backend initialized with an id of this pool member (a manager's are `<pool id>-<random>`). */
  byPoolId(poolId: string): MemoryBackend | undefined;
};

function fromConfig(config: unknown): MemoryBackendOptions {
  const c = (config ?? {}) as Partial<MemoryPluginConfig>;
  return {
    ...(c.latencyMs !== undefined ? { latencyMs: c.latencyMs } : {}),
    ...(c.cwd !== undefined ? { cwd: c.cwd } : {}),
    ...(c.env !== undefined ? { env: c.env } : {}),
  };
}

/**
 * A plugin that creates `MemoryBackend`s (requiring `initialize`, as real backends do), for testing a
 * factory, a manager or an app through real plugin handling. Every field of the plugin can be overridden,
 * to test what a caller does with an odd plugin.
 *
 * @example
 * ```ts
 * const memory = memoryPlugin({ type: 'fake', configure: (b) => b.setLatency(5) });
 * const manager = new BackendManager({ factory: new BackendFactory({ plugins: [memory] }) });
 * await manager.initialize({ backends: [{ type: 'fake', id: 'a' }] });
 * memory.byPoolId('a')?.crash();
 * ```
 */
export function memoryPlugin<C = MemoryPluginConfig>(options: MemoryPluginOptions<C> = {}): MemoryPlugin<C> {
  const { backend = fromConfig, configure, ...overrides } = options;
  const type = overrides.type ?? 'memory';
  const capabilities = overrides.capabilities ?? MEMORY_CAPABILITIES;
  const created: MemoryBackend[] = [];
  return {
    type,
    version: '0.0.0',
    description: 'In-memory backend for tests',
    contractVersion: PLUGIN_CONTRACT_VERSION,
    capabilities,
    configSchema: memoryConfigSchema as unknown as BackendPlugin<C>['configSchema'],
    checkPlatform: async () => ({ ok: true }),
    create: (config) => {
      const made = new MemoryBackend({
        type,
        capabilities,
        requireInitialize: true,
        ...backend(config),
        createdWith: config,
      });
      configure?.(made);
      created.push(made);
      return made;
    },
    ...overrides,
    created,
    byPoolId: (poolId) => [...created].reverse().find((b) => b.id.startsWith(`${poolId}-`)),
  };
}
