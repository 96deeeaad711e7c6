/**
 * `@vth/factory`: `BackendFactory` holds the backend plugins an app can use (registered by hand or found
 * among its dependencies by `discover`) and creates initialized backends from them, checking each plugin's
 * shape, config, capabilities and platform first. Failures come back as `BackendError`s
 * (`UNAVAILABLE`, `UNSUPPORTED`, `INVALID_CONFIG`), never thrown.
 *
 * @example
 * ```ts
 * import { BackendFactory } from '@vth/factory';
 * const factory = new BackendFactory({ plugins: [tmuxPlugin, nodePtyPlugin] });
 * const created = await factory.createWithFallback(['tmux', 'node-pty']);
 * if (created.ok) console.log(`using ${created.value.type}`);
 * ```
 *
 * @module @vth/factory
 */
export {
  BackendFactory,
  type BackendFactoryOptions,
  type RegisterOptions,
  type PluginRegistration,
  type PluginSummary,
  type CreateOptions,
  type FallbackFailure,
  type FallbackSuccess,
  type DiscoverOptions,
  type DiscoveredPlugin,
  type DiscoveryReport,
} from './backend-factory';
export {
  checkPluginShape,
  inspectPlugin,
  OLDEST_ADAPTED_CONTRACT_VERSION,
  PLUGIN_LIMITS,
  PLUGIN_TYPE_PATTERN,
  PLUGIN_VERSION_PATTERN,
  type InspectedPlugin,
} from './plugin-shape';
export { type DependencyField } from './discover';
export { DEFAULT_LOAD_TIMEOUT_MS, type ModuleImporter } from './load-plugin-module';
