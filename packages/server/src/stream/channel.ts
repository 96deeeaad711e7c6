import { type ServerMessage } from '@vth/protocol';

/** Where a channel's frames go: its connection. */
export interface ChannelSink {
  sendBinary(frame: Uint8Array): void;
  sendMessage(message: ServerMessage): void;
  /** Bytes the socket has queued and not yet written. */
  bufferedAmount(): number;
  /** The session ended after the channel was announced (`detached` is sent): the channel is gone. */
  ended(): void;
}

export interface Viewport {
  cols: number;
  rows: number;
  visible: boolean;
}

/**
 * - `live`: sent as output arrives;
 * - `blocked`: a writer over the high watermark (its session is paused) until it acknowledges enough;
 * - `stale`: a viewer over the high watermark: nothing is sent until it acknowledges enough, then it gets a
 *   fresh snapshot (skipped ahead) unless it is only a little behind;
 * - `snapshotting`: waiting for a snapshot; `closed`: detached.
 */
export type ChannelState = 'live' | 'blocked' | 'stale' | 'snapshotting' | 'closed';

/** One attachment of one connection to one session pane. */
export interface Channel {
  readonly id: number;
  readonly mode: 'writer' | 'viewer';
  readonly sink: ChannelSink;
  /** Offset of the next byte to send. */
  sent: number;
  /** Every byte before it was acknowledged. */
  acked: number;
  state: ChannelState;
  viewport: Viewport | undefined;
  /** `attached` was sent (a channel whose session ended before that is answered with an error instead). */
  announced: boolean;
  /** Counted when bytes go out (metrics). */
  onSent?: (bytes: number) => void;
}
