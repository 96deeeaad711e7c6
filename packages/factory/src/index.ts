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
