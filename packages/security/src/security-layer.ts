import { type BackendResult, type ITerminalBackend } from '@vth/core';
import { parseInput } from '@vth/core/kit';
import { z } from 'zod';
import { type AuditRedactor, type AuditSink } from './audit-log';
import { type CommandPolicy, type ConfirmHandler } from './command-policy';
import { guardBackend } from './guard-backend';
import { createCommandGuard, securityOptionsSchema } from './options';

const fn = <T>(what: string) => z.custom<T>((v) => typeof v === 'function', `must be a function (${what})`);

/**
 * The parts of a security layer that cannot live in JSON, as zod fields: spread them into a config schema
 * that takes them beside its `security` section (the tmux backend's `policy`, `confirm`, `auditSink` and
 * `redact` keys are these).
 *
 * @example
 * ```ts
 * const configSchema = z.strictObject({ ..., security: securityOptionsSchema.optional(), ...securityHooksShape });
 * ```
 */
export const securityHooksShape = {
  /** Decides before dispatch whether a command may run; refused commands return FORBIDDEN, never run. */
  policy: fn<CommandPolicy>('policy').optional(),
  /** Asked when the policy answers `confirm`. */
  confirm: fn<ConfirmHandler>('confirm').optional(),
  /** Receives every audit record (beside `audit.file`). */
  auditSink: z
    .custom<AuditSink>(
      (v) => typeof v === 'object' && v !== null && typeof (v as AuditSink).write === 'function',
      'must be an audit sink (an object with write(record))',
    )
    .optional(),
  /** Replaces the default redaction of audit records; `false` logs commands verbatim. */
  redact: z
    .union([fn<AuditRedactor>('redact'), z.literal(false)], { error: 'must be a function (redact) or false' })
    .optional(),
};

/**
 * The security layer of one backend, whatever its type: the JSON settings of `securityOptionsSchema`
 * (rate limits, audit, command rules, typed input) and the hooks of `securityHooksShape`. What the manager
 * takes beside a backend spec, and the tmux backend's security keys.
 *
 * @example
 * ```ts
 * const layer = securityLayerSchema.parse({ commands: { preset: 'dangerous' }, auditSink: sink });
 * ```
 */
export const securityLayerSchema = securityOptionsSchema.extend(securityHooksShape);

/** A security layer after parsing: what {@link applySecurityLayer} takes. */
export type SecurityLayer = z.output<typeof securityLayerSchema>;
/** A security layer as a caller writes it (a manager's backend spec `security`, say). */
export type SecurityLayerInput = z.input<typeof securityLayerSchema>;

/**
 * Validates a security layer at a boundary: `INVALID_CONFIG` naming every bad path otherwise.
 *
 * @example
 * ```ts
 * const layer = parseSecurityLayer(options.security, 'options.security');
 * if (!layer.ok) return layer;
 * ```
 */
export function parseSecurityLayer(input: unknown, what = 'security'): BackendResult<SecurityLayer> {
  return parseInput(securityLayerSchema, input ?? {}, what, 'INVALID_CONFIG');
}

/**
 * Puts a validated security layer in front of a backend, the same way for every backend
 * (`guardBackend`): the backend itself when the layer turns nothing on (no rate limit, no policy or
 * command rules, no audit sink or file). Audit records name the backend by its own id and type.
 *
 * @example
 * ```ts
 * const layer = parseSecurityLayer({ rateLimit: { perUser: { capacity: 20, refillPerSecond: 2 } } });
 * if (layer.ok) backend = applySecurityLayer(backend, layer.value);
 * ```
 */
export function applySecurityLayer(backend: ITerminalBackend, layer: SecurityLayer): ITerminalBackend {
  const { policy, confirm, auditSink, redact, ...options } = layer;
  const guard = createCommandGuard(options, {
    backendId: () => backend.id,
    backendType: () => backend.type,
    ...(policy === undefined ? {} : { policy }),
    ...(confirm === undefined ? {} : { confirm }),
    ...(auditSink === undefined ? {} : { sink: auditSink }),
    ...(redact === undefined ? {} : { redact }),
  });
  return guard.active ? guardBackend(backend, guard) : backend;
}
