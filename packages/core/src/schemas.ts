import { z } from 'zod';
import { CAPABILITY_FLAGS, ISOLATION_LEVELS, type BackendCapabilities } from './capabilities';

/** Limits that apply to every backend unless its config says otherwise. */
export const LIMITS = {
  idLength: 64,
  /** A command line up to 1 MiB; backends may lower it. */
  commandBytes: 1024 * 1024,
  inputBytes: 1024 * 1024,
  pathLength: 4096,
  envEntries: 4096,
  /**
   * What Linux's execve takes for the environment and arguments together (ARG_MAX with the usual 8 MiB
   * stack) and for one `NAME=value` string (MAX_ARG_STRLEN, 128 KiB with its NUL). Backends check the
   * environment a shell actually gets (inherited and added) against the running system's limit.
   */
  envBytes: 2 * 1024 * 1024,
  envEntryBytes: 128 * 1024 - 1,
  labelEntries: 64,
  terminalSize: 4096,
  /** setTimeout cannot wait longer than this. */
  timeoutMs: 2_147_483_647,
  outputBytes: 1024 * 1024 * 1024,
  captureLines: 1_000_000,
} as const;

const NUL = /\0/;

/** Session ids name tmux sessions, containers and files, so they stay within a portable alphabet. */
export const sessionIdSchema = z
  .string({ error: 'must be a string' })
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]*$/,
    'must start with a letter or digit and use only letters, digits, "_" and "-"',
  )
  .max(LIMITS.idLength, `must be at most ${LIMITS.idLength} characters`);

/** Pane ids as backends hand them out (tmux's `%3`, `main`); a portable alphabet, bounded length. */
export const paneIdSchema = z
  .string({ error: 'must be a string' })
  .regex(/^[A-Za-z0-9%_-]+$/, 'must use only letters, digits, "%", "_" and "-"')
  .max(LIMITS.idLength, `must be at most ${LIMITS.idLength} characters`);

/** A command's text: any characters but NUL (no shell can hold it), within a byte budget. */
export function commandSchema(maxBytes: number = LIMITS.commandBytes) {
  return z.string({ error: 'must be a string' }).superRefine((s, ctx) => {
    if (NUL.test(s)) ctx.addIssue({ code: 'custom', message: 'must not contain NUL bytes' });
    const bytes = Buffer.byteLength(s);
    if (bytes > maxBytes)
      ctx.addIssue({ code: 'custom', message: `is ${bytes} bytes; the limit is ${maxBytes}` });
  });
}

/** `sendInput` data: any string within a byte budget (1 MiB unless the backend says otherwise). */
export function inputDataSchema(maxBytes: number = LIMITS.inputBytes) {
  return z
    .string({ error: 'must be a string' })
    .refine((s) => Buffer.byteLength(s) <= maxBytes, `must be at most ${maxBytes} bytes`);
}

const pathSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.pathLength)
  .refine((s) => !NUL.test(s), 'must not contain NUL bytes');

/** Bytes an environment takes in execve: each `NAME=value` with its NUL. */
export function environmentBytes(env: Record<string, string>): number {
  let n = 0;
  for (const k in env) n += k.length + Buffer.byteLength(env[k]!) + 2;
  return n;
}

/**
 * Environment variables for a session: POSIX names, no NUL bytes, and sizes Linux's `execve` accepts, so a
 * shell never fails to start with `E2BIG` after the call was accepted.
 */
export const envSchema = z
  .record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment variable names use letters, digits and "_"'),
    z.string().refine((s) => !NUL.test(s), 'must not contain NUL bytes'),
  )
  .superRefine((env, ctx) => {
    const names = Object.keys(env);
    if (names.length > LIMITS.envEntries) {
      ctx.addIssue({ code: 'custom', message: `at most ${LIMITS.envEntries} variables` });
      return;
    }
    for (const name of names) {
      const bytes = name.length + 1 + Buffer.byteLength(env[name]!);
      if (bytes > LIMITS.envEntryBytes)
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `"${name}=..." is ${bytes} bytes; one variable can hold at most ${LIMITS.envEntryBytes} (Linux's MAX_ARG_STRLEN)`,
        });
    }
    const total = environmentBytes(env);
    if (total > LIMITS.envBytes)
      ctx.addIssue({
        code: 'custom',
        message: `is ${total} bytes; an environment can hold at most ${LIMITS.envBytes} bytes (Linux's ARG_MAX)`,
      });
  });

/** How a session's environment is tuned: see `CreateSessionOptions.profile`. */
export const sessionProfileSchema = z.enum(['program', 'terminal'], {
  error: 'must be "program" or "terminal"',
});

/** One terminal dimension (columns or rows): an integer from 1 to `LIMITS.terminalSize`. */
export const terminalSizeSchema = z
  .number({ error: 'must be a number' })
  .int('must be an integer')
  .min(1, 'must be at least 1')
  .max(LIMITS.terminalSize, `must be at most ${LIMITS.terminalSize}`);

/** `CreateSessionOptions` as `createSession` checks them; unknown keys are refused, not ignored. */
export const createSessionOptionsSchema = z.object({
  sessionId: sessionIdSchema.optional(),
  cwd: pathSchema.optional(),
  env: envSchema.optional(),
  shell: pathSchema.optional(),
  profile: sessionProfileSchema.optional(),
  cols: terminalSizeSchema.optional(),
  rows: terminalSizeSchema.optional(),
  labels: z
    .record(z.string().min(1).max(128), z.string().max(1024))
    .refine((l) => Object.keys(l).length <= LIMITS.labelEntries, `at most ${LIMITS.labelEntries} labels`)
    .optional(),
});

const durationSchema = z
  .number({ error: 'must be a number of milliseconds' })
  .positive('must be positive')
  .max(LIMITS.timeoutMs, `must be at most ${LIMITS.timeoutMs} ms`);

const abortSignalSchema = z.custom<AbortSignal>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as AbortSignal).aborted === 'boolean' &&
    typeof (v as AbortSignal).addEventListener === 'function',
  'must be an AbortSignal',
);

/** `ExecutionContext` as every call reads it (see `parseExecutionContext` of `@vth/core/kit`). */
export const executionContextSchema = z.object({
  requestId: z.string().max(256).optional(),
  userId: z.string().max(256).optional(),
  source: z.string().max(64).optional(),
  timeoutMs: durationSchema.optional(),
  idleTimeoutMs: durationSchema.optional(),
  maxOutputBytes: z.number().int('must be an integer').min(0).max(LIMITS.outputBytes).optional(),
  signal: abortSignalSchema.optional(),
  onOutput: z
    .custom<(chunk: string) => void>((v) => typeof v === 'function', 'must be a function')
    .optional(),
  yieldAfterMs: durationSchema.optional(),
});

/** `CaptureOptions` as `capture` checks them: `lines` from 1 to `LIMITS.captureLines`. */
export const captureOptionsSchema = z.object({
  lines: z.number().int('must be an integer').min(1).max(LIMITS.captureLines).optional(),
});

/** A `BackendCapabilities` object: every flag a boolean, `isolation` one of its levels. */
export const capabilitiesSchema: z.ZodType<BackendCapabilities> = z.object(
  {
    ...Object.fromEntries(CAPABILITY_FLAGS.map((name) => [name, z.boolean({ error: 'must be a boolean' })])),
    isolation: z.enum(ISOLATION_LEVELS, {
      error: `must be one of ${ISOLATION_LEVELS.map((l) => `"${l}"`).join(', ')}`,
    }),
  },
  { error: 'must be an object' },
) as unknown as z.ZodType<BackendCapabilities>;

/**
 * The command limits every backend's config has, with the same defaults: spread into a plugin's
 * `configSchema` (`z.strictObject({ ...commandLimitsShape, ... })`).
 */
export const commandLimitsShape = {
  /** Output kept per command unless the call's context says otherwise (head and tail kept). */
  maxOutputBytes: z
    .number()
    .int()
    .min(0)
    .max(LIMITS.outputBytes)
    .default(16 * 1024 * 1024),
  /** Longest command accepted (`INVALID_INPUT` beyond). */
  maxCommandBytes: z
    .number()
    .int()
    .min(1)
    .max(16 * 1024 * 1024)
    .default(LIMITS.commandBytes),
};

/**
 * The schemas of a backend's command calls once its `maxCommandBytes` is known: one command, a batch (at
 * most 10 000), and `sendInput` data.
 *
 * @example
 * ```ts
 * this.schemas = callSchemas(config.maxCommandBytes);
 * const cmd = parseInput(this.schemas.command, command, 'command');
 * ```
 */
export function callSchemas(maxCommandBytes: number) {
  const command = commandSchema(maxCommandBytes);
  return { command, commands: z.array(command).max(10_000), input: inputDataSchema() };
}

/** The schemas {@link callSchemas} returns, as a backend keeps them once configured. */
export type CallSchemas = ReturnType<typeof callSchemas>;
