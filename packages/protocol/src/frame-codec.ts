/**
 * Binary frames of `vth.v1`. Terminal bytes travel as binary WebSocket messages with a small header, never
 * inside JSON: no base64 cost, and every frame says where its bytes sit in the session's output stream.
 *
 * ```
 * output (server -> client): kind=1 u8 | channel u32 | offset u64 | bytes...
 * input  (client -> server): kind=2 u8 | channel u32 | bytes...
 * ```
 *
 * All integers are big-endian. `offset` is the position of the frame's first byte in the stream of the
 * attached session's pane (0 = the first byte the server saw), below 2^53.
 */
export const FRAME_KIND = { output: 1, input: 2 } as const;

/** Header length of an output frame: kind (1) + channel (4) + offset (8); the bytes follow. */
export const OUTPUT_HEADER_BYTES = 13;
/** Header length of an input frame: kind (1) + channel (4); the typed bytes follow. */
export const INPUT_HEADER_BYTES = 5;
const MAX_CHANNEL = 0xffff_ffff;
const TWO_32 = 0x1_0000_0000;

/** Terminal output the server sends for one attached pane. */
export interface OutputFrame {
  /** Discriminant of `BinaryFrame`. */
  kind: 'output';
  /** The attachment the bytes belong to, as the `attached` message numbered it. */
  channel: number;
  /** Position of `data`'s first byte in the pane's output stream: a gap or overlap with the last frame means bytes were dropped or resent. */
  offset: number;
  /** Raw terminal bytes, not necessarily whole UTF-8 characters or escape sequences. */
  data: Uint8Array;
}

/** Keys a client types into an attached pane (only a writer's are accepted). */
export interface InputFrame {
  /** Discriminant of `BinaryFrame`. */
  kind: 'input';
  /** The attachment to type into. */
  channel: number;
  /** The keys as bytes, control characters included. */
  data: Uint8Array;
}

/** Either binary frame; switch on `kind`. */
export type BinaryFrame = OutputFrame | InputFrame;

/** Why a binary frame was refused (never an exception). */
export interface FrameProblem {
  /** `UNKNOWN_FRAME_KIND` for a kind byte that is neither output nor input, `BAD_FRAME` for anything else. */
  code: 'BAD_FRAME' | 'UNKNOWN_FRAME_KIND';
  /** What is wrong, for logs; it never echoes the frame's bytes. */
  message: string;
}

/** What `decodeFrame` answers: the frame, or why it was refused. */
export type FrameDecodeResult =
  | {
      /** The frame was well formed. */
      ok: true;
      /** The decoded frame; its `data` is a view into the message. */
      frame: BinaryFrame;
    }
  | {
      /** The frame was refused. */
      ok: false;
      /** Why it was refused. */
      problem: FrameProblem;
    };

function checkChannel(channel: number): void {
  if (!Number.isInteger(channel) || channel < 0 || channel > MAX_CHANNEL)
    throw new RangeError(`channel must be an integer in [0, ${MAX_CHANNEL}], got ${channel}`);
}

/**
 * An output frame: the header then `data` (copied once into the frame).
 *
 * @throws RangeError for a channel or offset out of range (a bug in the caller, not bad input).
 * @example
 * ```ts
 * socket.send(encodeOutputFrame(channel, offset, bytes));
 * ```
 */
export function encodeOutputFrame(channel: number, offset: number, data: Uint8Array): Uint8Array {
  checkChannel(channel);
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw new RangeError(`offset must be a safe non-negative integer, got ${offset}`);
  const frame = new Uint8Array(OUTPUT_HEADER_BYTES + data.length);
  const view = new DataView(frame.buffer);
  view.setUint8(0, FRAME_KIND.output);
  view.setUint32(1, channel);
  view.setUint32(5, Math.floor(offset / TWO_32));
  view.setUint32(9, offset % TWO_32);
  frame.set(data, OUTPUT_HEADER_BYTES);
  return frame;
}

/**
 * An input frame: keys a writer types, as UTF-8 bytes.
 *
 * @example
 * ```ts
 * socket.send(encodeInputFrame(channel, new TextEncoder().encode('ls\r')));
 * ```
 */
export function encodeInputFrame(channel: number, data: Uint8Array): Uint8Array {
  checkChannel(channel);
  const frame = new Uint8Array(INPUT_HEADER_BYTES + data.length);
  const view = new DataView(frame.buffer);
  view.setUint8(0, FRAME_KIND.input);
  view.setUint32(1, channel);
  frame.set(data, INPUT_HEADER_BYTES);
  return frame;
}

function bytesOf(message: Uint8Array | ArrayBuffer): Uint8Array | undefined {
  if (message instanceof Uint8Array) return message;
  if (message instanceof ArrayBuffer) return new Uint8Array(message);
  return undefined;
}

/**
 * Reads a binary frame. Malformed input (too short, an unknown kind, an offset beyond 2^53, not bytes at
 * all) is a `FrameProblem`, never an exception. `data` is a view into `message`, not a copy.
 *
 * @example
 * ```ts
 * const decoded = decodeFrame(new Uint8Array(event.data));
 * if (decoded.ok && decoded.frame.kind === 'output') term.write(decoded.frame.data);
 * ```
 */
export function decodeFrame(message: Uint8Array | ArrayBuffer): FrameDecodeResult {
  const bytes = bytesOf(message);
  if (!bytes) return bad('BAD_FRAME', 'a binary frame must be bytes');
  if (bytes.length < 1) return bad('BAD_FRAME', 'empty binary frame');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kind = view.getUint8(0);
  if (kind === FRAME_KIND.output) {
    if (bytes.length < OUTPUT_HEADER_BYTES)
      return bad(
        'BAD_FRAME',
        `an output frame needs ${OUTPUT_HEADER_BYTES} header bytes, got ${bytes.length}`,
      );
    const high = view.getUint32(5);
    if (high >= 1 << 21) return bad('BAD_FRAME', 'output offset beyond 2^53');
    return {
      ok: true,
      frame: {
        kind: 'output',
        channel: view.getUint32(1),
        offset: high * TWO_32 + view.getUint32(9),
        data: bytes.subarray(OUTPUT_HEADER_BYTES),
      },
    };
  }
  if (kind === FRAME_KIND.input) {
    if (bytes.length < INPUT_HEADER_BYTES)
      return bad('BAD_FRAME', `an input frame needs ${INPUT_HEADER_BYTES} header bytes, got ${bytes.length}`);
    return {
      ok: true,
      frame: { kind: 'input', channel: view.getUint32(1), data: bytes.subarray(INPUT_HEADER_BYTES) },
    };
  }
  return bad('UNKNOWN_FRAME_KIND', `unknown binary frame kind ${kind}`);
}

function bad(code: FrameProblem['code'], message: string): FrameDecodeResult {
  return { ok: false, problem: { code, message } };
}
