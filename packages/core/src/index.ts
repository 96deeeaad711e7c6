export {
  BACKEND_ERROR_CODES,
  BackendError,
  isBackendError,
  toBackendError,
  type BackendErrorCode,
  type BackendErrorOptions,
} from './backend-error';
export { ok, fail, type BackendResult } from './result';
export {
  CAPABILITY_FLAGS,
  OPTIONAL_CAPABILITY_FLAGS,
  type OptionalCapabilityFlag,
  ISOLATION_LEVELS,
  missingCapabilities,
  type BackendCapabilities,
  type BackendCapabilityFlag,
} from './capabilities';
export { type CreateSessionOptions, type SessionInfo, type SessionProfile } from './session';
export { type ExecutionContext, type CommandExecution, type CommandStatus } from './execution';
export { type BackendHealth, type BackendMetrics, type HealthStatus } from './health';
export {
  emitErrorSafely,
  auditFields,
  type BackendEventMap,
  type BackendEventName,
  type OutputEvent,
  type CommandStartedEvent,
  type SessionClosedEvent,
  type HealthChangedEvent,
} from './events';
export { subscribe, type EventHandlers } from './event-subscription';
export { type ITerminalBackend, type BackendConfig, type CaptureOptions } from './backend';
export { PLUGIN_CONTRACT_VERSION, type BackendPlugin, type PlatformCheck } from './plugin';
export {
  LIMITS,
  sessionIdSchema,
  paneIdSchema,
  commandSchema,
  inputDataSchema,
  envSchema,
  environmentBytes,
  sessionProfileSchema,
  terminalSizeSchema,
  createSessionOptionsSchema,
  executionContextSchema,
  captureOptionsSchema,
  capabilitiesSchema,
  commandLimitsShape,
  callSchemas,
  type CallSchemas,
} from './schemas';
export { parseInput, formatIssues, type SchemaIssue } from './validation';
export { parseExecutionContext } from './parse-execution-context';
export { linkAbortSignal, type SignalProblem } from './linked-abort-signal';
export { thrownMessage } from './thrown-message';
export {
  lookupSession,
  targetSinglePane,
  claimSessionId,
  type SessionTable,
  type SessionCapacity,
} from './session-lookup';
export { LatencyHistogram, type LatencySummary } from './latency-histogram';
export { BoundedOutputBuffer, lastLines, type BoundedOutputBufferOptions } from './output-buffer';
export { MetricsRecorder } from './metrics-recorder';
export { createId } from './ids';
