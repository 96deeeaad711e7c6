/**
 * `@vth/core/kit`: helpers for those who write a backend or a wrapper around one (input parsing, the frozen
 * execution context, session lookups, metrics, events, ids). The contract itself is the main entry,
 * `@vth/core`.
 *
 * @module @vth/core/kit
 */
export {
  CAPABILITY_FLAGS,
  ISOLATION_LEVELS,
  OPTIONAL_CAPABILITY_FLAGS,
  missingCapabilities,
  type OptionalCapabilityFlag,
} from '../capabilities';
export { emitErrorSafely, auditFields } from '../events';
export { subscribe, type EventHandlers } from '../event-subscription';
export { commandLimitsShape, environmentBytes } from '../schemas';
export { parseInput, formatIssues, type SchemaIssue } from '../validation';
export { parseExecutionContext } from '../parse-execution-context';
export { linkAbortSignal, type SignalProblem } from '../linked-abort-signal';
export { thrownMessage } from '../thrown-message';
export {
  lookupSession,
  targetSinglePane,
  claimSessionId,
  type SessionTable,
  type SessionCapacity,
} from '../session-lookup';
export { LatencyHistogram } from '../latency-histogram';
export { BoundedOutputBuffer, lastLines, type BoundedOutputBufferOptions } from '../output-buffer';
export { MetricsRecorder } from '../metrics-recorder';
export { createId } from '../ids';
