import { type BackendPlugin } from '@vth/core';
import { z } from 'zod';
import { FAKE_CAPABILITIES, FakeBackend, type FakeBackendOptions } from './fake-backend';

const fakeConfigSchema = z.strictObject({
  latencyMs: z.number().min(0).optional(),
  cwd: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
});

export interface FakePlugin {
  plugin: BackendPlugin<z.output<typeof fakeConfigSchema>>;
  /** Every backend the plugin created, in order (a manager's rebuilds included). */
  instances: FakeBackend[];
  /** The last instance initialized with this id (the manager's backend ids are `<pool id>-<random>`). */
  byPoolId(poolId: string): FakeBackend | undefined;
}

/**
 * A plugin that creates `FakeBackend`s, for testing a `BackendManager` configuration through a real
 * `BackendFactory`. `configure` programs each new instance (latency, faults) before it is used.
 *
 * @example
 * ```ts
 * const fakes = createFakePlugin('fake');
 * const manager = new BackendManager({ factory: new BackendFactory({ plugins: [fakes.plugin] }) });
 * await manager.initialize({ backends: [{ type: 'fake', id: 'a' }, { type: 'fake', id: 'b' }] });
 * fakes.byPoolId('a')?.crash();
 * ```
 */
export function createFakePlugin(type = 'fake', configure?: (backend: FakeBackend) => void): FakePlugin {
  const instances: FakeBackend[] = [];
  const plugin: FakePlugin['plugin'] = {
    type,
    version: '0.0.0',
    description: 'In-memory fake backend for tests',
    capabilities: FAKE_CAPABILITIES,
    configSchema: fakeConfigSchema,
    checkPlatform: async () => ({ ok: true }),
    create: (config) => {
      const options: FakeBackendOptions = { type, requireInitialize: true };
      if (config.latencyMs !== undefined) options.latencyMs = config.latencyMs;
      if (config.cwd !== undefined) options.cwd = config.cwd;
      if (config.env !== undefined) options.env = config.env;
      const backend = new FakeBackend(options);
      configure?.(backend);
      instances.push(backend);
      return backend;
    },
  };
  return {
    plugin,
    instances,
    byPoolId: (poolId) => [...instances].reverse().find((b) => b.id.startsWith(`${poolId}-`)),
  };
}
