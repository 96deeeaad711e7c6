import { z } from 'zod';

/**
 * Shapes shared by several messages. They mirror `@vth/core`'s types (this package does not import it: it
 * must load in a browser); the server checks at compile time that they stay assignable both ways.
 */

/** Session ids as `@vth/core` accepts them. */
export const sessionIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]*$/,
    'must start with a letter or digit and use only letters, digits, "_" and "-"',
  )
  .max(64, 'must be at most 64 characters');

/** Pane ids as backends produce them (tmux's `%3` included). */
export const paneIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9%_-]+$/, 'must use only letters, digits, "%", "_" and "-"')
  .max(64, 'must be at most 64 characters');

/**
 * Names one request: the reply carries it back, and for a request that changes something it is also the
 * idempotency key (a retry with the same id gets the first answer; the call never runs twice).
 */
export const requestIdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9._:-]+$/, 'must use only letters, digits, ".", "_", ":" and "-"');

/** A terminal width or height in cells, 1 to 4096. */
export const terminalSizeSchema = z.number().int('must be an integer').min(1).max(4096);

/** A byte position in a session's output stream. */
export const offsetSchema = z.number().int('must be an integer').min(0).max(Number.MAX_SAFE_INTEGER);

/** A channel: one attachment of one socket to one session pane, numbered by the server. */
export const channelSchema = z.number().int('must be an integer').min(0).max(0xffff_ffff);

/** A `BackendError` as it travels (`BackendError.toJSON()`). */
export const wireErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  dispatched: z.boolean(),
  backendId: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
/** A `BackendError` as it travels; branch on `code`. */
export type WireError = z.infer<typeof wireErrorSchema>;

/** `SessionInfo` from `@vth/core`, as `session.list`, `session.get` and `session.create` answer it. */
export const sessionInfoSchema = z.object({
  id: z.string(),
  backendId: z.string(),
  createdAt: z.number(),
  cwd: z.string().optional(),
  panes: z.array(z.string()),
  alive: z.boolean(),
  labels: z.record(z.string(), z.string()).optional(),
});
/** `SessionInfo` as it travels. */
export type WireSessionInfo = z.infer<typeof sessionInfoSchema>;

/** How a command ended, or `running` for one that yielded (`yieldAfterMs`). */
export const commandStatusSchema = z.enum(['completed', 'timed-out', 'interrupted', 'lost', 'running']);

/** `CommandExecution` from `@vth/core`: what `command.execute` answers. */
export const commandExecutionSchema = z.object({
  id: z.string(),
  sessionId: z.string(),
  paneId: z.string(),
  command: z.string(),
  status: commandStatusSchema,
  exitCode: z.number().nullable(),
  output: z.string(),
  truncatedBytes: z.number(),
  cwd: z.string().optional(),
  startedAt: z.number(),
  durationMs: z.number(),
  backendId: z.string(),
  /** Only while `status` is `running` (the call asked for `yieldAfterMs`): follow it with `command.read`. */
  handle: z.string().optional(),
  /** Only while `status` is `running`: the byte offset past `output`, for `command.read`'s `sinceOffset`. */
  nextOffset: z.number().optional(),
});
/** `CommandExecution` as it travels. */
export type WireCommandExecution = z.infer<typeof commandExecutionSchema>;

/** A command handle, as `command.execute` answered it (`session:pane:command`; opaque to clients). */
export const commandHandleSchema = z.string().min(5).max(200);

/** What `command.read` answers: a slice of a running (or ended) command's output, by byte offset. */
export const commandOutputSchema = z.object({
  handle: z.string(),
  sessionId: z.string(),
  paneId: z.string(),
  command: z.string(),
  status: commandStatusSchema,
  output: z.string(),
  offset: z.number(),
  nextOffset: z.number(),
  skippedBytes: z.number(),
  exitCode: z.number().nullable(),
  cwd: z.string().optional(),
  startedAt: z.number(),
  durationMs: z.number(),
});
/** What `command.read` answers. */
export type WireCommandOutput = z.infer<typeof commandOutputSchema>;

/** What `command.wait` answers: why it returned, and the output so far (see `commandOutputSchema`). */
export const commandWaitResultSchema = commandOutputSchema.extend({
  reason: z.enum(['pattern', 'idle', 'exit', 'timeout']),
  match: z.object({ text: z.string(), offset: z.number() }).optional(),
});
/** What `command.wait` answers. */
export type WireCommandWaitResult = z.infer<typeof commandWaitResultSchema>;

/** `BackendHealth` from `@vth/core`, as `health` answers it. */
export const healthSchema = z.object({
  status: z.enum(['healthy', 'degraded', 'unhealthy']),
  message: z.string().optional(),
  checkedAt: z.number(),
  latencyMs: z.number().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
/** `BackendHealth` as it travels. */
export type WireHealth = z.infer<typeof healthSchema>;

/** `BackendCapabilities` from `@vth/core`: what a backend can do, so a client can hide what it cannot. */
export const capabilitiesSchema = z.object({
  persistentSessions: z.boolean(),
  multiplePanes: z.boolean(),
  resize: z.boolean(),
  interrupt: z.boolean(),
  sendInput: z.boolean(),
  capture: z.boolean(),
  streaming: z.boolean(),
  exitCodes: z.boolean(),
  cwdTracking: z.boolean(),
  isolation: z.enum(['none', 'process', 'container', 'vm']),
  remote: z.boolean(),
  /** Optional ones (`=== true` when read): absent from servers that predate them. */
  flowControl: z.boolean().optional(),
  longCommands: z.boolean().optional(),
});

/** What `createSession` accepts; the backend checks the finer limits (path lengths, environment size). */
export const createSessionOptionsSchema = z.strictObject({
  sessionId: sessionIdSchema.optional(),
  cwd: z.string().min(1).max(4096).optional(),
  env: z.record(z.string(), z.string()).optional(),
  shell: z.string().min(1).max(4096).optional(),
  profile: z.enum(['program', 'terminal']).optional(),
  cols: terminalSizeSchema.optional(),
  rows: terminalSizeSchema.optional(),
  labels: z.record(z.string(), z.string()).optional(),
});
/** What `session.create` accepts. */
export type WireCreateSessionOptions = z.infer<typeof createSessionOptionsSchema>;

/** Roles a token grants. `admin` adds the admin API (drain, swap, experiments, every session). */
export const roleSchema = z.enum(['user', 'admin']);
/** A role a token grants: `user` or `admin`. */
export type Role = z.infer<typeof roleSchema>;
