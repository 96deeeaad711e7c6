export {
  BackendManager,
  type BackendManagerOptions,
  type ManagerMetrics,
  type PoolBackendMetrics,
  type PoolBackendSummary,
} from './backend-manager';
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
  type BackendEjectedEvent,
  type BackendRecoveredEvent,
  type BackendHealthChangedEvent,
  type FailoverEvent,
  type SessionMigratedEvent,
  type SessionMigrationFailedEvent,
  type BackendAddedEvent,
  type BackendRemovedEvent,
} from './manager-events';
