import { z } from 'zod';
import {
  channelSchema,
  offsetSchema,
  paneIdSchema,
  requestIdSchema,
  sessionIdSchema,
  terminalSizeSchema,
} from './common-schemas';

/** A writer's terminal: its size, and whether a person can see it (a hidden tab does not size the screen). */
export const viewportSchema = z.strictObject({
  cols: terminalSizeSchema,
  rows: terminalSizeSchema,
  visible: z.boolean().default(true),
});

/** Where an attachment starts: a byte offset (replay from there), the current screen, or the live tail. */
export const attachFromSchema = z.union([offsetSchema, z.literal('snapshot'), z.literal('live')]);

/** What a client can `subscribe` to: the manager's `events`, or periodic `metrics`. */
export const TOPICS = ['events', 'metrics'] as const;
/** One of `TOPICS`. */
export const topicSchema = z.enum(TOPICS);
/** One of `TOPICS`. */
export type Topic = z.infer<typeof topicSchema>;

/**
 * Attach to a session's pane. A `writer` types (binary input frames) and its visible viewport sizes the
 * screen (the smallest visible writer wins); a `viewer` only watches and never resizes. `from` an offset
 * still in the server's ring replays exactly the bytes from there; an older offset, or `snapshot`, gets
 * the rendered screen first, then the live tail.
 */
export const attachMessageSchema = z.strictObject({
  type: z.literal('attach'),
  /** Echoed in `attached` (or in the `error`), to match the answer. */
  ref: z.string().max(64).optional(),
  sessionId: sessionIdSchema,
  paneId: paneIdSchema.optional(),
  mode: z.enum(['writer', 'viewer']),
  from: attachFromSchema.default('snapshot'),
  viewport: viewportSchema.optional(),
});

/** End one attachment; the server answers `detached`. */
export const detachMessageSchema = z.strictObject({ type: z.literal('detach'), channel: channelSchema });

/** Flow control: every byte before `offset` on this channel has been consumed. */
export const ackMessageSchema = z.strictObject({
  type: z.literal('ack'),
  channel: channelSchema,
  offset: offsetSchema,
});

/** A writer's terminal changed size or visibility; the smallest visible writer sizes the session. */
export const viewportMessageSchema = z.strictObject({
  type: z.literal('viewport'),
  channel: channelSchema,
  cols: terminalSizeSchema,
  rows: terminalSizeSchema,
  visible: z.boolean().default(true),
});

/** An operation (see `OPERATIONS`); `params` are checked against the operation's own schema. */
export const requestMessageSchema = z.strictObject({
  type: z.literal('request'),
  requestId: requestIdSchema,
  op: z.string().max(64),
  params: z.record(z.string(), z.unknown()).default({}),
});

/** Start receiving a topic; the server answers `subscribed`. */
export const subscribeMessageSchema = z.strictObject({
  type: z.literal('subscribe'),
  topic: topicSchema,
  /** `events`: replay the events after this sequence number that the server still holds. */
  since: z.number().int().min(0).optional(),
});

/** Stop receiving a topic. */
export const unsubscribeMessageSchema = z.strictObject({
  type: z.literal('unsubscribe'),
  topic: topicSchema,
});

/** For browsers, which cannot send WebSocket pings: the server answers `pong` with the same `t`. */
export const pingMessageSchema = z.strictObject({ type: z.literal('ping'), t: z.number().optional() });

/** Any text message a client may send, told apart by `type`. */
export const clientMessageSchema = z.discriminatedUnion('type', [
  attachMessageSchema,
  detachMessageSchema,
  ackMessageSchema,
  viewportMessageSchema,
  requestMessageSchema,
  subscribeMessageSchema,
  unsubscribeMessageSchema,
  pingMessageSchema,
]);

/** A client message after checking, defaults filled in. */
export type ClientMessage = z.output<typeof clientMessageSchema>;
/** What a client may write (defaults filled by the server). */
export type ClientMessageInput = z.input<typeof clientMessageSchema>;
/** An `attach` message after checking (`from` defaults to `snapshot`). */
export type AttachMessage = z.output<typeof attachMessageSchema>;
/** The `type` of a client message. */
export type ClientMessageType = ClientMessage['type'];
