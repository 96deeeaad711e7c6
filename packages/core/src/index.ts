/**
 * `@vth/core`: the contract every vth backend implements and every caller relies on: `ITerminalBackend`,
 * `BackendResult` and `BackendError` with its codes, the options and results of every call, the plugin
 * shape, and the zod schemas that check them. Helpers for backend authors are in `@vth/core/kit`.
 *
 * @example
 * ```ts
 * import { type ITerminalBackend } from '@vth/core';
 * const run = await backend.executeCommand(sessionId, 'git status');
 * if (!run.ok && !run.error.dispatched) retryElsewhere();
 * ```
 *
 * @module @vth/core
 */
export {
  BACKEND_ERROR_CODES,
  BackendError,
  isBackendError,
  toBackendError,
  type BackendErrorCode,
  type BackendErrorOptions,
} from './backend-error';
export { ok, fail, type BackendResult } from './result';
export { type BackendCapabilities, type BackendCapabilityFlag } from './capabilities';
export { type CreateSessionOptions, type SessionInfo, type SessionProfile } from './session';
export { type ExecutionContext, type CommandExecution, type CommandStatus } from './execution';
export {
  formatCommandHandle,
  parseCommandHandle,
  commandHandleSchema,
  readOutputOptionsSchema,
  waitForOptionsSchema,
  MAX_WAIT_MS,
  type CommandHandle,
  type CommandOutput,
  type CommandWaitResult,
  type ReadOutputOptions,
  type WaitForOptions,
} from './long-commands';
export { type BackendHealth, type BackendMetrics, type HealthStatus } from './health';
export { type LatencySummary } from './latency-histogram';
export {
  type BackendEventMap,
  type BackendEventName,
  type OutputEvent,
  type CommandStartedEvent,
  type SessionClosedEvent,
  type HealthChangedEvent,
} from './events';
export { type ITerminalBackend, type BackendConfig, type CaptureOptions } from './backend';
export { PLUGIN_CONTRACT_VERSION, type BackendPlugin, type PlatformCheck } from './plugin';
export {
  LIMITS,
  sessionIdSchema,
  paneIdSchema,
  commandSchema,
  inputDataSchema,
  envSchema,
  sessionProfileSchema,
  terminalSizeSchema,
  createSessionOptionsSchema,
  executionContextSchema,
  captureOptionsSchema,
  capabilitiesSchema,
  callSchemas,
  type CallSchemas,
} from './schemas';
