import { z } from 'zod';
import {
  commandExecutionSchema,
  commandHandleSchema,
  commandOutputSchema,
  commandWaitResultSchema,
  createSessionOptionsSchema,
  healthSchema,
  paneIdSchema,
  sessionIdSchema,
  sessionInfoSchema,
  terminalSizeSchema,
} from './common-schemas';

const durationSchema = z.number().positive().max(2_147_483_647);

/** The limits of one command call (`ExecutionContext` minus what the server sets itself). */
const commandLimitsShape = {
  timeoutMs: durationSchema.optional(),
  idleTimeoutMs: durationSchema.optional(),
  maxOutputBytes: z
    .number()
    .int()
    .min(0)
    .max(1024 * 1024 * 1024)
    .optional(),
  /** Free-form origin of the call for audit and routing (`voice`, `dashboard`); the user id is never the client's. */
  source: z.string().min(1).max(64).optional(),
};

const sessionTarget = { sessionId: sessionIdSchema, paneId: paneIdSchema.optional() };

/** Longest wait one `command.read` / `command.wait` may ask for (10 minutes, as backends allow). */
const waitSchema = z.number().int().min(0).max(600_000);
const offsetSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** `mode` of a drain or swap: move sessions between commands, or let them end. */
const drainModeSchema = z.enum(['move', 'finish']);

/**
 * Every operation a client can ask for, over the socket (`request` messages) and over HTTP: its
 * parameters, whether it changes something (then its `requestId` is an idempotency key) and whether it
 * needs the `admin` role. Backend and experiment specs are checked by the server's manager, which names
 * each bad path.
 */
export const OPERATIONS = {
  'session.create': {
    params: z.strictObject({ options: createSessionOptionsSchema.optional() }),
    mutating: true,
    admin: false,
    summary: 'Create a session owned by the caller',
  },
  'session.list': {
    params: z.strictObject({}),
    mutating: false,
    admin: false,
    summary: "The caller's sessions",
  },
  'session.get': {
    params: z.strictObject({ sessionId: sessionIdSchema }),
    mutating: false,
    admin: false,
    summary: 'One session',
  },
  'session.destroy': {
    params: z.strictObject({ sessionId: sessionIdSchema }),
    mutating: true,
    admin: false,
    summary: 'End a session',
  },
  'command.execute': {
    params: z.strictObject({
      ...sessionTarget,
      command: z.string(),
      /** Stream the output (`exec-output` messages, or NDJSON over HTTP) before the result. */
      stream: z.boolean().optional(),
      /**
       * A long command: if it has not ended after this long, answer `status: 'running'` with the output so
       * far and a `handle` (follow it with `command.read` / `command.wait`); it keeps running.
       */
      yieldAfterMs: durationSchema.optional(),
      ...commandLimitsShape,
    }),
    mutating: true,
    admin: false,
    summary: 'Run a command in a session; the result has its exact output, exit code and cwd',
  },
  'command.read': {
    params: z.strictObject({
      handle: commandHandleSchema,
      /** Byte offset to read from: the previous answer's `nextOffset` (default: where the last read stopped). */
      sinceOffset: offsetSchema.optional(),
      /** With nothing new yet, wait up to this long (default 0). */
      waitMs: waitSchema.optional(),
      maxBytes: z
        .number()
        .int()
        .min(1)
        .max(1024 * 1024 * 1024)
        .optional(),
    }),
    mutating: false,
    admin: false,
    summary: "A yielded command's new output (by byte offset, never replayed), its status, exit code and cwd",
  },
  'command.wait': {
    params: z.strictObject({
      handle: commandHandleSchema,
      /** Exactly one of `pattern` (a regular expression, no flags), `idleMs`, `exit`. */
      pattern: z.string().min(1).max(1024).optional(),
      idleMs: waitSchema.optional(),
      exit: z.literal(true).optional(),
      timeoutMs: waitSchema,
      sinceOffset: offsetSchema.optional(),
    }),
    mutating: false,
    admin: false,
    summary: "Wait until a yielded command's output matches, goes quiet, or the command ends",
  },
  'command.batch': {
    params: z.strictObject({
      ...sessionTarget,
      commands: z.array(z.string()).min(1).max(10_000),
      stream: z.boolean().optional(),
      ...commandLimitsShape,
    }),
    mutating: true,
    admin: false,
    summary: 'Run commands one after another in a session',
  },
  'session.input': {
    params: z.strictObject({ ...sessionTarget, data: z.string() }),
    mutating: true,
    admin: false,
    summary: "Type into a session's terminal",
  },
  'session.interrupt': {
    params: z.strictObject({ ...sessionTarget }),
    mutating: true,
    admin: false,
    summary: 'Ctrl-C the running command',
  },
  'session.capture': {
    params: z.strictObject({ ...sessionTarget, lines: z.number().int().min(1).max(1_000_000).optional() }),
    mutating: false,
    admin: false,
    summary: "A session's recent output",
  },
  'session.resize': {
    params: z.strictObject({ ...sessionTarget, cols: terminalSizeSchema, rows: terminalSizeSchema }),
    mutating: true,
    admin: false,
    summary: "Set a session's terminal size",
  },
  'backend.health': {
    params: z.strictObject({}),
    mutating: false,
    admin: false,
    summary: 'Health of the served backend',
  },
  'token.attach': {
    params: z.strictObject({
      /** Limit the token to one session (default: any of the caller's). */
      sessionId: sessionIdSchema.optional(),
      /** Default and maximum: the server's `auth.attachTokenTtlMs`. */
      ttlMs: z
        .number()
        .int()
        .min(1000)
        .max(24 * 3600 * 1000)
        .optional(),
    }),
    mutating: false,
    admin: false,
    summary: 'A short-lived signed token a browser can open a WebSocket with',
  },
  'admin.backends.list': {
    params: z.strictObject({}),
    mutating: false,
    admin: true,
    summary: 'The pool of backends',
  },
  'admin.backends.health': {
    params: z.strictObject({ backendId: z.string().min(1).max(256) }),
    mutating: false,
    admin: true,
    summary: "One backend's health and metrics",
  },
  'admin.backends.drain': {
    params: z.strictObject({
      backendId: z.string().min(1).max(256),
      timeoutMs: durationSchema.optional(),
      mode: drainModeSchema.optional(),
    }),
    mutating: true,
    admin: true,
    summary: 'Take a backend out of rotation and move its sessions away',
  },
  'admin.backends.undrain': {
    params: z.strictObject({ backendId: z.string().min(1).max(256) }),
    mutating: true,
    admin: true,
    summary: 'Put a drained backend back in rotation',
  },
  'admin.backends.swap': {
    params: z.strictObject({
      backendId: z.string().min(1).max(256),
      /** A backend spec of the manager: `{ type, id?, config?, weight? }`. */
      spec: z.record(z.string(), z.unknown()),
      probes: z.number().int().min(0).max(100).optional(),
      drainTimeoutMs: durationSchema.optional(),
      mode: drainModeSchema.optional(),
      /** Stream progress (`progress` messages, or NDJSON over HTTP) before the result. */
      stream: z.boolean().optional(),
    }),
    mutating: true,
    admin: true,
    summary: 'Replace a backend under load (hot swap)',
  },
  'admin.experiments.list': {
    params: z.strictObject({}),
    mutating: false,
    admin: true,
    summary: 'Experiments and their reports',
  },
  'admin.experiments.start': {
    params: z.strictObject({
      /** An experiment spec of the manager: `{ name, traffic?, control?, sources?, variants[] }`. */
      spec: z.record(z.string(), z.unknown()),
    }),
    mutating: true,
    admin: true,
    summary: 'Start an A/B experiment',
  },
  'admin.experiments.update': {
    params: z.strictObject({
      name: z.string().min(1).max(48),
      weights: z.record(z.string(), z.number()).optional(),
      traffic: z.number().min(0).max(1).optional(),
    }),
    mutating: true,
    admin: true,
    summary: "Change an experiment's weights or traffic share",
  },
  'admin.experiments.stop': {
    params: z.strictObject({
      name: z.string().min(1).max(48),
      moveSessions: z.boolean().optional(),
      drainTimeoutMs: durationSchema.optional(),
    }),
    mutating: true,
    admin: true,
    summary: 'Stop an experiment',
  },
  'admin.experiments.report': {
    params: z.strictObject({ name: z.string().min(1).max(48) }),
    mutating: false,
    admin: true,
    summary: "An experiment's figures and verdicts",
  },
  'admin.sessions.list': {
    params: z.strictObject({}),
    mutating: false,
    admin: true,
    summary: 'Every session, with its owner',
  },
  'admin.sessions.close': {
    params: z.strictObject({ sessionId: sessionIdSchema }),
    mutating: true,
    admin: true,
    summary: "End anyone's session",
  },
  'admin.metrics': {
    params: z.strictObject({}),
    mutating: false,
    admin: true,
    summary: 'A metrics snapshot (as the metrics topic sends)',
  },
} as const satisfies Record<
  string,
  { params: z.ZodType; mutating: boolean; admin: boolean; summary: string }
>;

/** The name of an operation, e.g. `'command.execute'`; see `OPERATIONS`. */
export type OperationName = keyof typeof OPERATIONS;
/** The checked parameters of operation `O`, as its schema in `OPERATIONS` outputs them. */
export type OperationParams<O extends OperationName> = z.infer<(typeof OPERATIONS)[O]['params']>;
/** Every operation name, in the order of `OPERATIONS`. */
export const OPERATION_NAMES = Object.keys(OPERATIONS) as OperationName[];

/** What a successful call answers, for the operations whose answer has a fixed shape. */
export const OPERATION_VALUES = {
  'session.create': sessionInfoSchema,
  'session.list': z.array(sessionInfoSchema),
  'session.get': sessionInfoSchema,
  'session.destroy': z.null(),
  'command.execute': commandExecutionSchema,
  'command.batch': z.array(commandExecutionSchema),
  'command.read': commandOutputSchema,
  'command.wait': commandWaitResultSchema,
  'session.input': z.null(),
  'session.interrupt': z.null(),
  'session.capture': z.string(),
  'session.resize': z.null(),
  'backend.health': healthSchema,
  'token.attach': z.object({ token: z.string(), expiresAt: z.number() }),
} as const satisfies Partial<Record<OperationName, z.ZodType>>;

/**
 * Whether `name` is an operation of this protocol version (an own key of `OPERATIONS`, so `'toString'`
 * is not one).
 */
export function isOperationName(name: unknown): name is OperationName {
  return typeof name === 'string' && Object.hasOwn(OPERATIONS, name);
}
