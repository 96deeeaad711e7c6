import { LIMITS, type BackendResult } from '@vth/core';
import { parseInput } from '@vth/core/kit';
import { z } from 'zod';
import { type AuditErrorHandler, type AuditRecord, type AuditRedactor, type AuditSink } from './audit-log';
import { CommandGuard } from './command-guard';
import { combinePolicies, type CommandPolicy, type ConfirmHandler } from './command-policy';
import { commandRulesConfigSchema, policyFromRulesConfig } from './command-rules-config';
import { JsonLinesFileSink } from './json-lines-file-sink';

const rate = (what: string) =>
  z
    .number({ error: `must be a number (${what})` })
    .positive('must be greater than 0')
    .max(1e9, 'must be at most 1e9');

const bucketSchema = z.strictObject({
  /** Burst: commands that may run back to back. */
  capacity: rate('tokens'),
  /** Sustained rate: tokens added per second. */
  refillPerSecond: rate('tokens per second'),
});

/**
 * The JSON-serialisable security settings a backend accepts in its config (functions — a policy, a
 * confirm handler, a custom sink — are handed to {@link createCommandGuard} as hooks). Unknown keys are
 * rejected so a typo is an `INVALID_CONFIG`, not a control silently off. Everything is off by default.
 *
 * @example
 * ```ts
 * const config = z.strictObject({ ..., security: securityOptionsSchema.optional() });
 * // { security: { rateLimit: { perSession: { capacity: 10, refillPerSecond: 5 } },
 * //               audit: { file: '/var/log/vth-audit.jsonl' }, commands: { preset: 'dangerous' } } }
 * ```
 */
export const securityOptionsSchema = z.strictObject({
  rateLimit: z
    .strictObject({
      perSession: bucketSchema.optional(),
      /** Calls without a userId share the bucket of `anonymousUserId`. */
      perUser: bucketSchema.optional(),
      /** One bucket for every command of the backend. */
      global: bucketSchema.optional(),
      /** A bucket per user (anonymous included) for opening sessions. */
      newSessions: bucketSchema.optional(),
      /** Who calls without a userId are charged as. Default "anonymous". */
      anonymousUserId: z.string().min(1, 'must not be empty').max(256).optional(),
      /** Buckets tracked per scope before the least recently used is forgotten. */
      maxKeys: z.number().int('must be an integer').min(1).max(10_000_000).optional(),
    })
    .optional(),
  input: z
    .strictObject({
      /**
       * A typed line holding keys a line editor interprets (arrows, Tab…) or too long to follow: `confirm`
       * (default), `deny`, or `check` the guess like any line. Input is checked only with a policy.
       */
      untracked: z.enum(['confirm', 'deny', 'check']).optional(),
      /** Bytes of a typed line (and of a command open over several lines) followed. Default 8192. */
      maxLineBytes: z.number().int('must be an integer').min(1).max(LIMITS.inputBytes).optional(),
    })
    .optional(),
  audit: z
    .strictObject({
      /** JSON lines file, appended to; created with `mode`. Without it, records go to the hook's sink only. */
      file: z
        .string({ error: 'must be a file path' })
        .min(1, 'must not be empty')
        .max(4096)
        .refine((s) => !s.includes('\0'), 'must not contain NUL bytes')
        .optional(),
      /** Permissions of a file the sink creates. Default 0o600. */
      mode: z.number().int().min(0).max(0o777).optional(),
      /** Mask secrets in commands (`redactSecrets`). Default `true`. */
      redact: z.boolean().default(true),
      /** Bytes of a command kept in a record (plus its length and sha256). Default 4096. */
      maxCommandBytes: z.number().int('must be an integer').min(1).max(LIMITS.commandBytes).optional(),
      /** Repeated refusals within this many ms become one record with a count; 0: off. Default 5000. */
      coalesceWindowMs: z.number().int('must be an integer').min(0).max(LIMITS.timeoutMs).optional(),
    })
    .optional(),
  /**
   * A command policy from rules (`{ preset: 'dangerous', rules: [...], unanalysable }`), for commands and
   * typed lines; combined with a `policy` hook when there is one (the stricter answer wins).
   */
  commands: commandRulesConfigSchema.optional(),
});

/** Security settings after parsing (`audit.redact` filled in): what {@link createCommandGuard} takes. */
export type SecurityOptions = z.output<typeof securityOptionsSchema>;
/** Security settings as written in a config, every key optional. */
export type SecurityOptionsInput = z.input<typeof securityOptionsSchema>;

/**
 * Validates security settings at a boundary: `INVALID_CONFIG` naming every bad path otherwise.
 *
 * @example
 * ```ts
 * const parsed = parseSecurityOptions(config.security, 'config.security');
 * if (!parsed.ok) return parsed;
 * ```
 */
export function parseSecurityOptions(input: unknown, what = 'security'): BackendResult<SecurityOptions> {
  return parseInput(securityOptionsSchema, input ?? {}, what, 'INVALID_CONFIG');
}

/** What cannot live in a JSON config, plus the backend's identity. */
export interface CommandGuardHooks {
  /** Names the backend in audit records and errors; a function when the id is only known later. */
  backendId: string | (() => string);
  /** The backend's plugin type in audit records; a function like `backendId`. */
  backendType: string | (() => string);
  /** Asked beside the rules of `commands`, if any: the stricter answer wins. */
  policy?: CommandPolicy;
  /** Asked when the policy (or a rule) answers `confirm`; without it, `confirm` refuses. */
  confirm?: ConfirmHandler;
  /** Replaces the redaction `audit.redact` selects. */
  redact?: AuditRedactor | false;
  /** Receives every record too (alongside `audit.file` when both are set). */
  sink?: AuditSink;
  /** Told about audit failures; default a process warning. */
  onError?: AuditErrorHandler;
  /** Monotonic milliseconds for the rate limiter, for tests. */
  clock?: () => number;
}

/**
 * Builds the guard a backend keeps from its parsed `security` config and the hooks its host provides.
 *
 * @example
 * ```ts
 * const guard = createCommandGuard(config.security ?? {}, {
 *   backendId: () => this.id, backendType: 'tmux', policy: denyPatterns([/\bshutdown\b/]),
 * });
 * ```
 */
export function createCommandGuard(options: SecurityOptions, hooks: CommandGuardHooks): CommandGuard {
  const { rateLimit, audit, input, commands } = options;
  const rules = commands === undefined ? undefined : policyFromRulesConfig(commands);
  const policy = rules && hooks.policy ? combinePolicies(rules, hooks.policy) : (rules ?? hooks.policy);
  const sinks: AuditSink[] = [];
  if (audit?.file !== undefined) {
    sinks.push(
      new JsonLinesFileSink(audit.file, {
        ...(audit.mode === undefined ? {} : { mode: audit.mode }),
        ...(hooks.onError ? { onError: hooks.onError } : {}),
      }),
    );
  }
  if (hooks.sink) sinks.push(hooks.sink);
  const sink = sinks.length > 1 ? fanOut(sinks) : sinks[0];
  const redact = hooks.redact !== undefined ? hooks.redact : audit?.redact === false ? false : undefined;
  return new CommandGuard({
    backendId: hooks.backendId,
    backendType: hooks.backendType,
    ...(rateLimit ? { rateLimit: { ...rateLimit, ...(hooks.clock ? { clock: hooks.clock } : {}) } } : {}),
    ...(sink
      ? {
          audit: {
            sink,
            ...(redact === undefined ? {} : { redact }),
            ...(hooks.onError ? { onError: hooks.onError } : {}),
            ...(audit?.maxCommandBytes === undefined ? {} : { maxCommandBytes: audit.maxCommandBytes }),
            ...(audit?.coalesceWindowMs === undefined ? {} : { coalesceWindowMs: audit.coalesceWindowMs }),
          },
        }
      : {}),
    ...(policy ? { policy } : {}),
    ...(hooks.confirm ? { confirm: hooks.confirm } : {}),
    ...(input?.untracked === undefined ? {} : { untrackedInput: input.untracked }),
    ...(input?.maxLineBytes === undefined ? {} : { maxInputLineBytes: input.maxLineBytes }),
  });
}

/** One sink in front of several: each gets every record; one failing does not starve the others. */
function fanOut(sinks: readonly AuditSink[]): AuditSink {
  return {
    write(record: AuditRecord) {
      const waits: Promise<void>[] = [];
      const errors: unknown[] = [];
      for (const sink of sinks) {
        try {
          const written = sink.write(record);
          if (written) waits.push(written);
        } catch (e) {
          errors.push(e);
        }
      }
      if (waits.length === 0 && errors.length === 0) return;
      return Promise.allSettled(waits).then((settled) => {
        for (const s of settled) if (s.status === 'rejected') errors.push(s.reason);
        if (errors.length > 0) throw errors[0];
      });
    },
    async close() {
      const settled = await Promise.allSettled(sinks.map((s) => s.close?.()));
      const failed = settled.find((s) => s.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
