import { memoryPlugin, type MemoryPluginConfig } from '@vth/backend-kit/testing';
import { type BackendPlugin } from '@vth/core';
import { type FakeBackend } from './fake-backend';

/** What {@link createFakePlugin} makes: the plugin to register, and the backends it created. */
export interface FakePlugin {
  /** Register it in the `BackendFactory` the manager uses. */
  plugin: BackendPlugin<MemoryPluginConfig>;
  /** Every backend the plugin created, in order (a manager's rebuilds included). */
  instances: FakeBackend[];
  /** The last instance initialized with this id (the manager's backend ids are `<pool id>-<random>`). */
  byPoolId(poolId: string): FakeBackend | undefined;
}

/**
 * A plugin that creates in-memory backends (see `memoryPlugin` of `@vth/backend-kit/testing`), for testing
 * a `BackendManager` configuration through a real `BackendFactory`. `configure` programs each new instance
 * (latency, faults) before it is used.
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
  const plugin = memoryPlugin({
    type,
    description: 'In-memory fake backend for tests',
    // Left undeclared, as it always was here (the factory warns and assumes the first contract).
    contractVersion: undefined,
    ...(configure ? { configure } : {}),
  });
  return { plugin, instances: plugin.created, byPoolId: (poolId) => plugin.byPoolId(poolId) };
}
