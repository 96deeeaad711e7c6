/**
 * `@vth/manager`: `BackendManager`, an `ITerminalBackend` over a pool of backends. It places each new
 * session with a selection strategy, follows each backend's health (probes, error rate, latency) and
 * ejects the failing ones, moves sessions off a dead backend with their id, cwd and environment, and at
 * run time adds, drains, removes and hot-swaps backends and runs A/B experiments between them. Its
 * configuration is checked with zod (`INVALID_CONFIG` naming each bad path). The statistics behind
 * experiments are in `@vth/manager/stats`; fakes for tests in `@vth/manager/testing`.
 *
 * @example
 * ```ts
 * import { BackendManager } from '@vth/manager';
 * const manager = new BackendManager({ factory });
 * const started = await manager.initialize({ backends: [{ type: 'tmux' }, { type: 'node-pty' }] });
 * if (!started.ok) throw started.error;
 * manager.on('session-migrated', (e) => console.log(`${e.sessionId}: ${e.from} -> ${e.to}`));
 * ```
 *
 * @module @vth/manager
 */
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
