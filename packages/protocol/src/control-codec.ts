import { type z } from 'zod';
import { clientMessageSchema, type ClientMessage } from './client-messages';
import { isOperationName, OPERATIONS, type OperationName, type OperationParams } from './operations';
import { type ProtocolErrorCode } from './protocol-errors';
import { serverMessageSchema, type ServerMessage } from './server-messages';

/** Why a message was refused: a code for the `error` message and words a person can act on. */
export interface MessageProblem {
  /** The code to send in the `error` message. */
  code: Extract<ProtocolErrorCode, 'BAD_MESSAGE' | 'UNKNOWN_TYPE' | 'TOO_LARGE' | 'UNKNOWN_OPERATION'>;
  /** What is wrong, in words a person can act on. */
  message: string;
  /** `path: message` lines of a failed validation. */
  issues?: string[];
}

/** What the decoders answer: the checked message, or why it was refused (never an exception). */
export type Decoded<T> =
  | {
      /** The message was well formed. */
      ok: true;
      /** The checked message, defaults filled in. */
      message: T;
    }
  | {
      /** The message was refused. */
      ok: false;
      /** Why it was refused. */
      problem: MessageProblem;
    };

/** The default `maxMessageBytes` of a server (and the size a client may assume before `hello`). */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

const CLIENT_TYPES: ReadonlySet<string> = new Set(clientMessageSchema.options.map((o) => o.shape.type.value));
/**
 * Each server message's own schema, by `type`: a message is checked against its schema only, not tried
 * against every member of the union in turn (the client decodes one per command result).
 */
const SERVER_SCHEMAS: ReadonlyMap<string, z.ZodType<ServerMessage>> = new Map(
  serverMessageSchema.options.map((o) => {
    const type = 'shape' in o ? o.shape.type.value : o.options[0].shape.type.value;
    return [type, o as z.ZodType<ServerMessage>];
  }),
);
const CLIENT_SCHEMAS: ReadonlyMap<string, z.ZodType<ClientMessage>> = new Map(
  [...CLIENT_TYPES].map((t) => [t, clientMessageSchema as z.ZodType<ClientMessage>]),
);

/** UTF-8 length without encoding when the answer is clear from the character count. */
function utf8Length(text: string, limit: number): number {
  if (text.length > limit || text.length * 3 <= limit) return text.length;
  return new TextEncoder().encode(text).length;
}

/** `a.b[0]: message` lines. */
export function issueLines(issues: readonly z.core.$ZodIssue[], root = ''): string[] {
  return issues.map((issue) => {
    let path = root;
    for (const key of issue.path) {
      if (typeof key === 'number') path += `[${key}]`;
      else path += path === '' ? String(key) : `.${String(key)}`;
    }
    if (issue.code === 'unrecognized_keys')
      return `${path || '(root)'}: unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    return `${path || '(root)'}: ${issue.message}`;
  });
}

function decodeWith<T>(
  text: unknown,
  schemas: ReadonlyMap<string, z.ZodType<T>>,
  maxBytes: number,
): Decoded<T> {
  if (typeof text !== 'string') return refuse('BAD_MESSAGE', 'a control message must be text');
  if (utf8Length(text, maxBytes) > maxBytes)
    return refuse('TOO_LARGE', `message over the ${maxBytes}-byte limit`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return refuse('BAD_MESSAGE', 'not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return refuse('BAD_MESSAGE', 'a control message is a JSON object');
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') return refuse('BAD_MESSAGE', 'a control message needs a string "type"');
  const schema = schemas.get(type);
  if (!schema) return refuse('UNKNOWN_TYPE', `unknown message type "${type.slice(0, 64)}"`);
  if (type === 'ack' && schemas === (CLIENT_SCHEMAS as unknown) && isPlainAck(value))
    return { ok: true, message: value as T };
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = issueLines(parsed.error.issues);
    return {
      ok: false,
      problem: { code: 'BAD_MESSAGE', message: `invalid "${type}" message: ${issues.join('; ')}`, issues },
    };
  }
  return { ok: true, message: parsed.data };
}

/**
 * The most frequent client message (one per `ackEveryBytes` of output), checked by hand: exactly the keys
 * and ranges of `ackMessageSchema`. Anything else takes the schema, whose answer is the same.
 */
function isPlainAck(v: object): boolean {
  const m = v as { channel?: unknown; offset?: unknown };
  let keys = 0;
  for (const _ in v) keys++;
  return (
    keys === 3 &&
    Number.isInteger(m.channel) &&
    (m.channel as number) >= 0 &&
    (m.channel as number) <= 0xffff_ffff &&
    Number.isSafeInteger(m.offset) &&
    (m.offset as number) >= 0
  );
}

function refuse(code: MessageProblem['code'], message: string): { ok: false; problem: MessageProblem } {
  return { ok: false, problem: { code, message } };
}

/**
 * Reads a text message from a client: size, JSON, known type, then the message's schema. Never throws.
 *
 * @example
 * ```ts
 * const decoded = decodeClientMessage(text, hello.limits.maxMessageBytes);
 * if (!decoded.ok) send({ type: 'error', code: decoded.problem.code, message: decoded.problem.message });
 * ```
 */
export function decodeClientMessage(
  text: unknown,
  maxBytes = DEFAULT_MAX_MESSAGE_BYTES,
): Decoded<ClientMessage> {
  return decodeWith(text, CLIENT_SCHEMAS, maxBytes);
}

/** Reads a text message from the server (a client checks what it receives too). Never throws. */
export function decodeServerMessage(
  text: unknown,
  maxBytes = Number.MAX_SAFE_INTEGER,
): Decoded<ServerMessage> {
  return decodeWith(text, SERVER_SCHEMAS, maxBytes);
}

/** A control message as a text frame. */
export function encodeMessage(
  message: ServerMessage | ClientMessage | z.input<typeof clientMessageSchema>,
): string {
  return JSON.stringify(message);
}

/**
 * Checks a request's `params` against its operation's schema. Never throws.
 *
 * @example
 * ```ts
 * const params = parseOperationParams('command.execute', request.params);
 * if (params.ok) run(params.message.command);
 * ```
 */
export function parseOperationParams<O extends OperationName>(
  op: O,
  params: unknown,
): Decoded<OperationParams<O>>;
export function parseOperationParams(op: string, params: unknown): Decoded<unknown>;
export function parseOperationParams(op: string, params: unknown): Decoded<unknown> {
  if (!isOperationName(op)) return refuse('UNKNOWN_OPERATION', `unknown operation "${op.slice(0, 64)}"`);
  const parsed = (OPERATIONS[op].params as z.ZodType).safeParse(params ?? {});
  if (!parsed.success) {
    const issues = issueLines(parsed.error.issues, 'params');
    return {
      ok: false,
      problem: { code: 'BAD_MESSAGE', message: `invalid ${op}: ${issues.join('; ')}`, issues },
    };
  }
  return { ok: true, message: parsed.data };
}
