import {
  LIMITS,
  createSessionOptionsSchema,
  paneIdSchema,
  sessionIdSchema,
  type ExecutionContext,
} from '@vth/core';
import { z } from 'zod';

// The arguments of `TmuxIntegration`'s methods, validated at the boundary; their types derive from here.

export const nameSchema = sessionIdSchema;

/** Options of `createSession`. */
export const sessionOptionsSchema = z.strictObject(
  {
    ...createSessionOptionsSchema.pick({ cwd: true, env: true, cols: true, rows: true }).shape,
    /** Who the session is for: with `enableABTesting`, the same user always gets the same backend variant. */
    userId: z.string({ error: 'must be a string' }).min(1).max(256).optional(),
  },
  { error: 'must be an object' },
);

/** Options of `executeCommand` and `executeBatch`. */
export const executeOptionsSchema = z.strictObject(
  {
    /** Default: the active session (created as 'default' when there is none). */
    sessionId: sessionIdSchema.optional(),
    paneId: paneIdSchema.optional(),
    /** Milliseconds; default `commandTimeout`. The command then ends with status 'timed-out'. */
    timeout: z
      .number({ error: 'must be a number of milliseconds' })
      .int('must be an integer')
      .positive('must be positive')
      .max(LIMITS.timeoutMs, `must be at most ${LIMITS.timeoutMs}`)
      .optional(),
    userId: z.string({ error: 'must be a string' }).max(256).optional(),
    requestId: z.string({ error: 'must be a string' }).max(256).optional(),
    /** Where the command came from, e.g. 'voice'. */
    source: z.string({ error: 'must be a string' }).max(64).optional(),
    /** Output kept beyond this many bytes is cut from the middle (head and tail kept). */
    maxOutputBytes: z
      .number({ error: 'must be a number of bytes' })
      .int('must be an integer')
      .min(0, 'must not be negative')
      .max(LIMITS.outputBytes)
      .optional(),
  },
  { error: 'must be an object' },
);

export const commandsSchema = z.array(z.string({ error: 'must be a string' }), {
  error: 'must be an array of commands',
});

export const keysSchema = z.union(
  [z.string(), z.array(z.string({ error: 'must be a string' })).min(1, 'must name at least one key or text')],
  { error: 'must be a string or an array of strings' },
);

/** Options of `sendKeys`. */
export const sendKeysOptionsSchema = z.strictObject(
  {
    /** Default: the active session (created as 'default' when there is none). */
    sessionId: sessionIdSchema.optional(),
    paneId: paneIdSchema.optional(),
    /** Send the text as it is, without translating key names (tmux `send-keys -l`). */
    literal: z.boolean({ error: 'must be a boolean' }).optional(),
  },
  { error: 'must be an object' },
);

/** Options of `capturePane`. */
export const captureOptionsSchema = z.strictObject(
  {
    /** Default: the active session. */
    sessionId: sessionIdSchema.optional(),
    paneId: paneIdSchema.optional(),
    /** The last this many lines; at most (and by default) `captureBufferSize`. */
    lines: z
      .number({ error: 'must be a number of lines' })
      .int('must be an integer')
      .min(1, 'must be at least 1')
      .max(LIMITS.captureLines)
      .optional(),
  },
  { error: 'must be an object' },
);

export const limitSchema = z
  .number({ error: 'must be a number' })
  .int('must be an integer')
  .min(0, 'must not be negative')
  .optional();

/**
 * Options of `executeCommand` and `executeBatch`: where the command runs, its time limit, and who asks
 * (`userId`, `requestId`, `source` travel with the command for audit and routing). An unknown key or a bad
 * value throws `INVALID_INPUT` naming it (`options.timeout: must be positive`).
 */
export type ExecuteOptions = z.input<typeof executeOptionsSchema>;
/** Options of `sendKeys`: which session and pane, and whether key names are translated. */
export type SendKeysOptions = z.input<typeof sendKeysOptionsSchema>;
/** Options of `capturePane`: which session and pane, and how many of the last lines. */
export type CapturePaneOptions = z.input<typeof captureOptionsSchema>;

/** The context of a command run with `options`: its time limit (`commandTimeout` unless given) and who asks. */
export function executionContext(
  options: z.output<typeof executeOptionsSchema>,
  commandTimeout: number,
): ExecutionContext {
  return {
    timeoutMs: options.timeout ?? commandTimeout,
    ...(options.userId === undefined ? {} : { userId: options.userId }),
    ...(options.requestId === undefined ? {} : { requestId: options.requestId }),
    ...(options.source === undefined ? {} : { source: options.source }),
    ...(options.maxOutputBytes === undefined ? {} : { maxOutputBytes: options.maxOutputBytes }),
  };
}
