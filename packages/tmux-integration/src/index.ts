/**
 * `@vth/tmux-integration`: `TmuxIntegration`, the tmux integration API that voice-terminal projects were
 * written against, kept backward compatible (methods throw `TmuxIntegrationError`, an active session takes
 * the commands that name none) and running on a `BackendManager` of its own over tmux and the
 * `fallbackBackends`, or on any `ITerminalBackend` handed in.
 *
 * @example
 * ```ts
 * import { TmuxIntegration } from '@vth/tmux-integration';
 * const integration = new TmuxIntegration({ fallbackBackends: ['node-pty'] });
 * await integration.initialize();
 * const result = await integration.executeCommand('git status');
 * if (!result.success) console.error(result.status, result.exitCode);
 * ```
 *
 * @module @vth/tmux-integration
 */
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
