import { z } from 'zod';
import {
  capabilitiesSchema,
  channelSchema,
  offsetSchema,
  paneIdSchema,
  requestIdSchema,
  roleSchema,
  sessionIdSchema,
  terminalSizeSchema,
  wireErrorSchema,
} from './common-schemas';
import { PROTOCOL_ERROR_CODES } from './protocol-errors';
import { topicSchema } from './client-messages';

/** The server's first message: who you are to it, what it serves and the rules of the conversation. */
export const helloMessageSchema = z.object({
  type: z.literal('hello'),
  protocol: z.string(),
  server: z.object({ name: z.string(), version: z.string() }),
  user: z.object({ id: z.string(), role: roleSchema }),
  backend: z.object({ id: z.string(), type: z.string(), capabilities: capabilitiesSchema }),
  /** The server pings every `intervalMs` and drops a peer silent for `timeoutMs`; a client may do the same. */
  heartbeat: z.object({ intervalMs: z.number(), timeoutMs: z.number() }),
  /**
   * Flow control per channel: the server stops sending when `highWatermark` bytes are unacknowledged and
   * goes on below `lowWatermark`. Acknowledge at least every `ackEveryBytes` bytes consumed.
   */
  flow: z.object({ highWatermark: z.number(), lowWatermark: z.number(), ackEveryBytes: z.number() }),
  limits: z.object({
    /** A text message larger than this gets `TOO_LARGE`; a binary one too (input frames). */
    maxMessageBytes: z.number(),
    /** Output frames carry at most this many bytes. */
    maxFrameBytes: z.number(),
  }),
});

/** An `attach` succeeded: the channel its output frames carry, and where the stream starts. */
export const attachedMessageSchema = z.object({
  type: z.literal('attached'),
  ref: z.string().optional(),
  channel: channelSchema,
  sessionId: sessionIdSchema,
  paneId: paneIdSchema,
  mode: z.enum(['writer', 'viewer']),
  /** How this attachment starts: replaying from the asked offset, from a snapshot (one follows), or live. */
  start: z.enum(['offset', 'snapshot', 'live']),
  /** The offset of the first byte that will follow (for `snapshot`: the snapshot's offset). */
  offset: offsetSchema,
  /** The oldest offset the server still holds for this pane (a resume from before it gets a snapshot). */
  oldest: offsetSchema,
  cols: terminalSizeSchema,
  rows: terminalSizeSchema,
});

/**
 * The screen as a terminal would show it after every byte before `offset` (xterm's serialize format):
 * reset the terminal, resize to `cols` x `rows`, write `data`; binary frames then continue at `offset`.
 * `reason`: asked for at attach, the asked offset had left the ring, or a slow viewer skipped ahead.
 */
export const snapshotMessageSchema = z.object({
  type: z.literal('snapshot'),
  channel: channelSchema,
  offset: offsetSchema,
  cols: terminalSizeSchema,
  rows: terminalSizeSchema,
  data: z.string(),
  reason: z.enum(['attach', 'ring', 'skipped']),
});

/** The session's terminal size changed (a writer resized): bytes after `offset` are laid out for it. */
export const sizeMessageSchema = z.object({
  type: z.literal('size'),
  channel: channelSchema,
  cols: terminalSizeSchema,
  rows: terminalSizeSchema,
  offset: offsetSchema,
});

/** An attachment ended: asked for, the session closed, or the server is closing. */
export const detachedMessageSchema = z.object({
  type: z.literal('detached'),
  channel: channelSchema,
  /** `session-closed`: every byte up to `offset` was sent first. */
  reason: z.enum(['requested', 'session-closed', 'server-closing']),
  offset: offsetSchema,
  closeReason: z.string().optional(),
  exitCode: z.number().nullable().optional(),
});

/**
 * The answer to a `request`: its `value`, or a `BackendError` as it travels (branch on `error.code`; its
 * `dispatched` says whether the call may have run).
 */
export const resultMessageSchema = z.discriminatedUnion('ok', [
  z.object({
    type: z.literal('result'),
    requestId: requestIdSchema,
    ok: z.literal(true),
    value: z.unknown(),
  }),
  z.object({
    type: z.literal('result'),
    requestId: requestIdSchema,
    ok: z.literal(false),
    error: wireErrorSchema,
  }),
]);

/** Output of a streamed `command.execute` / `command.batch`, before its `result`. */
export const outputMessageSchema = z.object({
  type: z.literal('output'),
  requestId: requestIdSchema,
  data: z.string(),
  /** Streamed chunks this socket could not take in time were dropped (the result still has the output). */
  dropped: z.number().optional(),
});

/** A step of a streamed admin operation (a hot swap's `swap-started`, `session-migrated`, ...). */
export const progressMessageSchema = z.object({
  type: z.literal('progress'),
  requestId: requestIdSchema,
  event: z.string(),
  data: z.unknown(),
});

/** One event of the manager (topic `events`), numbered so a client can resume with `since`. */
export const eventMessageSchema = z.object({
  type: z.literal('event'),
  seq: z.number(),
  at: z.number(),
  name: z.string(),
  data: z.unknown(),
});

/** A periodic snapshot of the figures (topic `metrics`). */
export const metricsMessageSchema = z.object({
  type: z.literal('metrics'),
  at: z.number(),
  data: z.unknown(),
});

/** A `subscribe` took effect. */
export const subscribedMessageSchema = z.object({
  type: z.literal('subscribed'),
  topic: topicSchema,
  /** `events`: the sequence number of the newest event now (replayed ones came before this message). */
  seq: z.number().optional(),
  /** `events` with `since`: events after `since` the server no longer held. */
  missed: z.number().optional(),
});

/**
 * A problem with the conversation, not an operation (see `PROTOCOL_ERROR_CODES`); `ref` or `channel` say
 * which message or attachment it is about.
 */
export const errorMessageSchema = z.object({
  type: z.literal('error'),
  code: z.enum(PROTOCOL_ERROR_CODES),
  message: z.string(),
  ref: z.string().optional(),
  channel: channelSchema.optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** The answer to a `ping`, with its `t`. */
export const pongMessageSchema = z.object({ type: z.literal('pong'), t: z.number().optional() });

/** Any text message a server sends, told apart by `type`. */
export const serverMessageSchema = z.union([
  helloMessageSchema,
  attachedMessageSchema,
  snapshotMessageSchema,
  sizeMessageSchema,
  detachedMessageSchema,
  resultMessageSchema,
  outputMessageSchema,
  progressMessageSchema,
  eventMessageSchema,
  metricsMessageSchema,
  subscribedMessageSchema,
  errorMessageSchema,
  pongMessageSchema,
]);

/** A checked server message. */
export type ServerMessage = z.output<typeof serverMessageSchema>;
/** The server's first message. */
export type HelloMessage = z.output<typeof helloMessageSchema>;
/** See `attachedMessageSchema`. */
export type AttachedMessage = z.output<typeof attachedMessageSchema>;
/** See `snapshotMessageSchema`. */
export type SnapshotMessage = z.output<typeof snapshotMessageSchema>;
/** See `resultMessageSchema`. */
export type ResultMessage = z.output<typeof resultMessageSchema>;
/** See `errorMessageSchema`. */
export type ErrorMessage = z.output<typeof errorMessageSchema>;
/** See `eventMessageSchema`. */
export type EventMessage = z.output<typeof eventMessageSchema>;
/** See `detachedMessageSchema`. */
export type DetachedMessage = z.output<typeof detachedMessageSchema>;
/** The `type` of a server message. */
export type ServerMessageType = ServerMessage['type'];
