/**
 * `@vth/security`: rate limits, a command policy checked before dispatch, and an audit log with secret
 * redaction, for any `ITerminalBackend`. `guardBackend` wraps a backend (and is one); `CommandGuard` is
 * the same controls for a backend to call itself; `securityLayerSchema` / `applySecurityLayer` take them
 * from configuration. Refusals are `RATE_LIMITED` or `FORBIDDEN`, always `dispatched: false`. Everything
 * is off until configured. A policy reads text: it stops mistakes, it is not a sandbox.
 *
 * @example
 * ```ts
 * import { commandPolicy, DANGEROUS_COMMANDS, guardBackend } from '@vth/security';
 * const backend = guardBackend(inner, { policy: commandPolicy({ rules: DANGEROUS_COMMANDS }) });
 * const run = await backend.executeCommand(sessionId, 'rm -rf /');
 * if (!run.ok && run.error.code === 'FORBIDDEN') console.log(run.error.message);
 * ```
 *
 * @module @vth/security
 */
export {
  TokenBucket,
  type TokenBucketLimits,
  type TokenBucketOptions,
  type TakeResult,
} from './token-bucket';
export {
  RateLimiter,
  ANONYMOUS_USER,
  type RateLimiterOptions,
  type RateLimitKey,
  type RateLimitScope,
  type RateLimitDetails,
} from './rate-limiter';
export {
  AuditLog,
  defaultRedact,
  REDACTION_FAILED,
  type AuditRecord,
  type AuditOutcome,
  type AuditSink,
  type AuditRedactor,
  type AuditErrorHandler,
  type AuditLogOptions,
} from './audit-log';
export { MemoryAuditSink, CallbackAuditSink } from './audit-sinks';
export { JsonLinesFileSink, type JsonLinesFileSinkOptions } from './json-lines-file-sink';
export { redactSecrets, isSecretName, REDACTED } from './redact-secrets';
export {
  evaluatePolicy,
  denyPatterns,
  combinePolicies,
  withVerdict,
  type CommandPolicy,
  type ConfirmHandler,
  type PolicyDecision,
  type PolicyVerdict,
  type PolicyRequest,
  type PolicyOutcome,
} from './command-policy';
export { CommandGuard, type FailedCommand } from './command-guard';
export {
  type CommandGuardOptions,
  type CommandGuardAuditOptions,
  type GuardRequest,
  type GuardBatchRequest,
  type GuardInputRequest,
  type GuardSessionRequest,
  type InputAdmission,
} from './command-guard-options';
export { guardBackend, type GuardBackendOptions, type GuardedBackend } from './guard-backend';
export {
  securityOptionsSchema,
  parseSecurityOptions,
  createCommandGuard,
  type SecurityOptions,
  type SecurityOptionsInput,
  type CommandGuardHooks,
} from './options';
export {
  commandPolicy,
  parseCommandPolicyOptions,
  commandRuleSchema,
  commandPolicyOptionsSchema,
  type CommandRule,
  type CommandRuleInput,
  type CommandPolicyOptions,
} from './command-rules';
export { DANGEROUS_COMMANDS } from './dangerous-commands';
export {
  COMMAND_PRESETS,
  commandRulesConfigSchema,
  policyFromRulesConfig,
  type CommandPreset,
  type CommandRulesConfig,
  type CommandRulesConfigInput,
} from './command-rules-config';
export {
  applySecurityLayer,
  parseSecurityLayer,
  securityHooksShape,
  securityLayerSchema,
  type SecurityLayer,
  type SecurityLayerInput,
} from './security-layer';
export { hashToken, TokenStore, type TokenEntry, type TokenRole } from './token-store';
export { hostOf, isLoopbackAddress, isLoopbackHost } from './network-access';
