export {
  BackendFactory,
  type BackendFactoryOptions,
  type RegisterOptions,
  type PluginSummary,
  type CreateOptions,
  type FallbackFailure,
  type FallbackSuccess,
  type DiscoverOptions,
  type DiscoveredPlugin,
  type DiscoveryReport,
} from './backend-factory';
export { checkPluginShape, PLUGIN_TYPE_PATTERN } from './plugin-shape';
export { type DependencyField } from './discover';
export { type ModuleImporter } from './load-plugin-module';
