export {
  TmuxIntegration,
  COMMAND_HISTORY_SIZE,
  DEFAULT_SESSION_NAME,
  type ExecuteOptions,
  type SendKeysOptions,
  type CapturePaneOptions,
  type TmuxIntegrationSettings,
} from './tmux-integration';
export {
  BACKEND_SELECTION_STRATEGIES,
  PRIMARY_BACKEND,
  type BackendSelectionStrategy,
  type TmuxIntegrationConfig,
} from './tmux-integration-config';
export {
  PERFORMANCE_MODES,
  PERFORMANCE_MODE_DEFAULTS,
  type PerformanceMode,
  type PerformanceModeDefaults,
} from './performance-modes';
export { TmuxIntegrationError } from './tmux-integration-error';
export { type TmuxSession, type TmuxSessionOptions } from './tmux-session';
export { type CommandResult } from './command-result';
export { type PerformanceMetrics } from './performance-metrics';
export { type TmuxIntegrationEventMap, type OutputReceivedEvent, type BackendSelectedEvent } from './events';
export { keysToInput, translateKey } from './tmux-keys';
export { createDefaultFactory, findNearestPackageJson, type DiscoverySummary } from './default-factory';
