export { BackendManager } from './backend-manager';
export { type BackendManagerOptions } from './manager-options';
export { type ManagerMetrics, type PoolBackendMetrics, type PoolBackendSummary } from './metrics/pool-report';
export { type DrainOptions } from './operations/drain';
export { type HotSwapOptions } from './operations/hot-swap';
export {
  experimentSpecSchema,
  variantSpecSchema,
  type ExperimentSpec,
  type ExperimentSpecInput,
  type VariantSpec,
} from './experiment-config';
export { type ExperimentReport } from './experiments/experiment-set';
// The statistics behind experiments (assignment, variant comparison tests) are in `@vth/manager/stats`.
export { type VariantComparison, type Verdict } from './experiments/compare';
export { type VariantStatsSnapshot } from './experiments/variant-stats';
export {
  managerConfigSchema,
  backendSpecSchema,
  probeConfigSchema,
  retryConfigSchema,
  circuitBreakerConfigSchema,
  failoverConfigSchema,
  type ManagerConfig,
  type ManagerConfigInput,
  type BackendSpec,
  type BackendSpecInput,
  type ProbeConfig,
  type RetryConfig,
} from './manager-config';
export {
  healthThresholdsSchema,
  type HealthThresholds,
  type HealthThresholdsInput,
} from './health-thresholds';
export { type BackendView, type SelectionContext, type SelectionStrategy } from './backend-view';
export {
  StrategyRegistry,
  BUILT_IN_STRATEGIES,
  type BuiltInStrategyName,
  type SelectionStrategyFactory,
  type RegisterStrategyOptions,
} from './strategies/strategy-registry';
export { type BackendHealthSnapshot } from './health/backend-health';
export { SessionEnvironment, type EnvironmentSnapshot } from './session-environment';
export {
  type ManagerEventMap,
  type DrainReport,
  type HotSwapReport,
  type BackendEjectedEvent,
  type BackendRecoveredEvent,
  type BackendHealthChangedEvent,
  type FailoverEvent,
  type SessionMigratedEvent,
  type SessionMigrationFailedEvent,
  type BackendAddedEvent,
  type BackendRemovedEvent,
  type SwapStartedEvent,
  type SwapFailedEvent,
  type ExperimentStartedEvent,
  type ExperimentUpdatedEvent,
} from './manager-events';
