import { encodeOutputFrame } from '@vth/protocol';
import { type SessionFlowControl } from '../manager-view';
import { type Channel, type Viewport } from './channel';
import { OutputRing } from './output-ring';
import { ScreenMirror } from './screen-mirror';

export interface StreamSettings {
  ringBytes: number;
  highWatermark: number;
  lowWatermark: number;
  maxFrameBytes: number;
  /** A socket with more than this queued counts as over the high watermark for all its channels. */
  maxSocketBuffer: number;
}

export interface StreamHooks {
  /** Sets the session's terminal size (the smallest visible writer's); resolves once the terminal has it. */
  resize(cols: number, rows: number): Promise<unknown>;
  flow: SessionFlowControl;
  /** A slow viewer was skipped ahead, or a writer paused the session (metrics). */
  onSkip(): void;
  onPause(): void;
}

export type AttachStart = number | 'snapshot' | 'live';

export interface AttachOutcome {
  start: 'offset' | 'snapshot' | 'live';
  offset: number;
}

/**
 * The output of one session pane and the channels attached to it: bytes go into the ring (absolute
 * offsets), then to each channel as its flow control allows. A writer over the high watermark pauses the
 * session (when the backend can) until it acknowledges down to the low watermark; a viewer never does: it
 * stops receiving, and once it catches up it gets a fresh snapshot if it fell more than the high watermark
 * behind. The screen size is the smallest visible writer's; viewers never resize.
 *
 * @example
 * ```ts
 * const stream = new SessionStream('s1', '0', settings, hooks, { cols: 120, rows: 30 });
 * stream.append('hello');
 * stream.attach(channel, 0); // replays "hello" as one output frame at offset 0
 * ```
 */
export class SessionStream {
  readonly ring: OutputRing;
  readonly mirror: ScreenMirror;
  readonly channels = new Set<Channel>();
  private paused = false;
  private size: { cols: number; rows: number };
  /** The size asked of the backend last (it takes effect, and is announced, when the backend is done). */
  private wanted: { cols: number; rows: number };
  private ended = false;

  constructor(
    readonly sessionId: string,
    readonly paneId: string,
    private readonly settings: StreamSettings,
    private readonly hooks: StreamHooks,
    size: { cols: number; rows: number },
  ) {
    this.ring = new OutputRing(settings.ringBytes);
    this.size = { ...size };
    this.wanted = { ...size };
    this.mirror = new ScreenMirror(this.ring, size.cols, size.rows);
  }

  get cols(): number {
    return this.size.cols;
  }

  get rows(): number {
    return this.size.rows;
  }

  append(bytes: Uint8Array): void {
    if (this.ended || bytes.length === 0) return;
    this.ring.append(bytes);
    for (const c of this.channels) this.pump(c);
  }

  /**
   * Starts a channel: from an offset the ring holds (exact replay), else from a snapshot; or live. The
   * returned promise settles once the channel is live or snapshotting; the caller sends `attached` first.
   */
  async attach(
    channel: Channel,
    from: AttachStart,
    announce: (outcome: AttachOutcome) => void,
  ): Promise<boolean> {
    if (this.ended) return false;
    this.channels.add(channel);
    if (typeof from === 'number' && from >= this.ring.start && from <= this.ring.end) {
      channel.sent = channel.acked = from;
      channel.state = 'live';
      this.announce(channel, announce, { start: 'offset', offset: from });
      this.pump(channel);
      return true;
    }
    if (from === 'live') {
      channel.sent = channel.acked = this.ring.end;
      channel.state = 'live';
      this.announce(channel, announce, { start: 'live', offset: this.ring.end });
      return true;
    }
    await this.resync(channel, typeof from === 'number' ? 'ring' : 'attach', announce);
    return channel.announced;
  }

  private announce(channel: Channel, announce: (o: AttachOutcome) => void, outcome: AttachOutcome): void {
    channel.announced = true;
    announce(outcome);
    if (channel.mode === 'writer' && channel.viewport) this.recomputeSize();
  }

  detach(channel: Channel): void {
    if (!this.channels.delete(channel)) return;
    channel.state = 'closed';
    if (channel.mode === 'writer') {
      this.recomputeSize();
      void this.updatePause();
    }
  }

  /** The client consumed every byte before `offset`. Answers false for an offset it was never sent. */
  ack(channel: Channel, offset: number): boolean {
    if (offset > channel.sent) return false;
    if (offset <= channel.acked) return true;
    channel.acked = offset;
    if (channel.sent - channel.acked > this.settings.lowWatermark) return true;
    if (channel.state === 'blocked') {
      channel.state = 'live';
      void this.updatePause();
      this.pump(channel);
    } else if (channel.state === 'stale') {
      const behind = this.ring.end - channel.sent;
      if (channel.sent >= this.ring.start && behind <= this.settings.highWatermark) {
        channel.state = 'live';
        this.pump(channel);
      } else {
        this.hooks.onSkip();
        void this.resync(channel, 'skipped');
      }
    } else if (channel.state === 'live') {
      this.pump(channel);
    }
    return true;
  }

  /** A writer's viewport changed (a viewer's never sizes anything: its connection refuses it). */
  setViewport(channel: Channel, viewport: Viewport): void {
    channel.viewport = viewport;
    this.recomputeSize();
  }

  /** An explicit resize (the `session.resize` operation): every channel is told. */
  resized(cols: number, rows: number): void {
    this.wanted = { cols, rows };
    if (cols === this.size.cols && rows === this.size.rows) return;
    this.size = { cols, rows };
    this.mirror.resized(this.ring.end, cols, rows);
    for (const c of this.channels)
      if (c.state !== 'closed' && c.announced)
        c.sink.sendMessage({ type: 'size', channel: c.id, cols, rows, offset: this.ring.end });
  }

  /**
   * The session ended: every live channel gets the rest of the output, then `detached`, and its
   * connection lets go of it. A channel not yet announced is left to its attach, which answers an error.
   */
  end(closeReason: string | undefined, exitCode: number | null | undefined): void {
    if (this.ended) return;
    this.ended = true;
    const detached: Channel[] = [];
    for (const c of this.channels) {
      if (c.state === 'live' || c.state === 'blocked') this.flush(c);
      c.state = 'closed';
      if (!c.announced) continue;
      c.sink.sendMessage({
        type: 'detached',
        channel: c.id,
        reason: 'session-closed',
        offset: c.sent,
        ...(closeReason === undefined ? {} : { closeReason }),
        ...(exitCode === undefined ? {} : { exitCode }),
      });
      detached.push(c);
    }
    this.channels.clear();
    // After the channels are cleared: letting go detaches, which must find nothing left to resize or resume.
    for (const c of detached) c.sink.ended();
    if (this.paused) void this.hooks.flow.resume();
    this.paused = false;
    this.mirror.dispose();
  }

  private pump(channel: Channel): void {
    if (channel.state !== 'live') return;
    const { highWatermark, maxFrameBytes, maxSocketBuffer } = this.settings;
    while (channel.sent < this.ring.end) {
      if (channel.sent - channel.acked >= highWatermark || channel.sink.bufferedAmount() > maxSocketBuffer) {
        this.overflow(channel);
        return;
      }
      if (channel.sent < this.ring.start) {
        void this.resync(channel, 'ring');
        return;
      }
      this.sendFrom(channel, maxFrameBytes);
    }
  }

  private sendFrom(channel: Channel, maxBytes: number): void {
    const bytes = this.ring.slice(channel.sent, maxBytes)!;
    channel.sink.sendBinary(encodeOutputFrame(channel.id, channel.sent, bytes));
    channel.sent += bytes.length;
    channel.onSent?.(bytes.length);
  }

  /** Everything the ring holds for a channel, whatever its flow control says (the session is over). */
  private flush(channel: Channel): void {
    if (channel.sent < this.ring.start) return;
    while (channel.sent < this.ring.end) this.sendFrom(channel, this.settings.maxFrameBytes);
  }

  private overflow(channel: Channel): void {
    if (channel.mode === 'writer') {
      channel.state = 'blocked';
      void this.updatePause();
    } else {
      channel.state = 'stale';
    }
  }

  /** Paused while any writer is blocked; a backend that cannot pause turns its writers into viewers. */
  private async updatePause(): Promise<void> {
    const blocked = [...this.channels].some((c) => c.state === 'blocked');
    if (blocked && !this.paused) {
      this.paused = true;
      this.hooks.onPause();
      if (!(await this.hooks.flow.pause())) {
        this.paused = false;
        for (const c of this.channels) if (c.state === 'blocked') c.state = 'stale';
      }
    } else if (!blocked && this.paused) {
      this.paused = false;
      await this.hooks.flow.resume();
    }
  }

  private async resync(
    channel: Channel,
    reason: 'attach' | 'ring' | 'skipped',
    announce?: (outcome: AttachOutcome) => void,
  ): Promise<void> {
    channel.state = 'snapshotting';
    let snap: Awaited<ReturnType<ScreenMirror['snapshot']>>;
    try {
      snap = await this.mirror.snapshot();
    } catch {
      // Only a mirror disposed under it (the session ended meanwhile) can fail here.
      channel.state = 'closed';
      return;
    }
    if ((channel.state as string) === 'closed') return;
    if (announce) this.announce(channel, announce, { start: 'snapshot', offset: snap.offset });
    channel.sink.sendMessage({
      type: 'snapshot',
      channel: channel.id,
      offset: snap.offset,
      cols: snap.cols,
      rows: snap.rows,
      data: snap.data,
      reason,
    });
    channel.sent = channel.acked = snap.offset;
    channel.state = 'live';
    this.pump(channel);
  }

  private recomputeSize(): void {
    let cols = Infinity;
    let rows = Infinity;
    for (const c of this.channels) {
      if (c.mode !== 'writer' || c.state === 'closed' || !c.viewport?.visible) continue;
      cols = Math.min(cols, c.viewport.cols);
      rows = Math.min(rows, c.viewport.rows);
    }
    if (cols === Infinity || (cols === this.wanted.cols && rows === this.wanted.rows)) return;
    const wanted = (this.wanted = { cols, rows });
    // Announced once the terminal has it, unless another size was asked for meanwhile.
    void this.hooks.resize(cols, rows).then(() => {
      if (this.wanted === wanted && !this.ended) this.resized(cols, rows);
    });
  }
}
