/** What the owner of an attachment hears. */
export interface AttachmentHandlers {
  /** The next bytes of the pane's output, each byte exactly once and in order. */
  data(bytes: Uint8Array): void;
  /** The session ended on the server (`reason` as the server said, when it did). */
  closed(reason: string | undefined, exitCode: number | null | undefined): void;
  /** `bytes` of output were lost: the server no longer held them when we came back. */
  gap(bytes: number): void;
}

/**
 * A viewer attachment to one session pane, kept across reconnections: it knows the offset of the next byte
 * it expects, so a re-attach asks the server for exactly that (`from: offset`) and a frame that repeats
 * bytes it already has is trimmed. Acknowledges every `ackEveryBytes` consumed.
 */
export class OutputAttachment {
  /** The server's channel on the current socket; `undefined` while (re-)attaching. */
  channel: number | undefined;
  /** The offset of the next byte expected. */
  nextOffset = 0;
  private acked = 0;

  constructor(
    readonly ref: string,
    readonly sessionId: string,
    readonly paneId: string | undefined,
    private readonly handlers: AttachmentHandlers,
  ) {}

  /** The attach message for the current position. */
  attachMessage() {
    return {
      type: 'attach' as const,
      ref: this.ref,
      sessionId: this.sessionId,
      ...(this.paneId === undefined ? {} : { paneId: this.paneId }),
      mode: 'viewer' as const,
      from: this.nextOffset,
    };
  }

  /** The server answered `attached`: output follows from `offset` (a snapshot's when it could not replay). */
  attached(channel: number, offset: number): void {
    this.channel = channel;
    this.acked = offset;
    if (offset > this.nextOffset) this.handlers.gap(offset - this.nextOffset);
    this.nextOffset = offset;
  }

  /** The socket is gone: the position is kept for the next attach. */
  detached(): void {
    this.channel = undefined;
  }

  /**
   * An output frame at `offset`; returns the offset to acknowledge when an ack is due, else `undefined`.
   */
  frame(offset: number, data: Uint8Array, ackEveryBytes: number): number | undefined {
    const end = offset + data.length;
    if (end <= this.nextOffset) return undefined;
    if (offset > this.nextOffset) this.handlers.gap(offset - this.nextOffset);
    const fresh = offset < this.nextOffset ? data.subarray(this.nextOffset - offset) : data;
    this.nextOffset = end;
    this.handlers.data(fresh);
    if (this.nextOffset - this.acked < ackEveryBytes) return undefined;
    this.acked = this.nextOffset;
    return this.acked;
  }

  closed(reason: string | undefined, exitCode: number | null | undefined): void {
    this.handlers.closed(reason, exitCode);
  }
}
