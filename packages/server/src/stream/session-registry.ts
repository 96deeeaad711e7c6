import { type ITerminalBackend, type OutputEvent, type SessionClosedEvent } from '@vth/core';
import { sessionFlowControl } from '../manager-view';
import { SessionStream, type StreamSettings } from './session-stream';

/** A session the server knows: who owns it, its panes' streams, and what keeps it from being reaped. */
export interface TrackedSession {
  readonly id: string;
  /** The user who created it; `undefined` for a session created outside the server (admins only). */
  readonly owner: string | undefined;
  readonly createdAt: number;
  defaultPane: string;
  size: { cols: number; rows: number };
  readonly streams: Map<string, SessionStream>;
  /** Channels attached now, and requests running now. */
  attachments: number;
  busy: number;
  reapTimer: NodeJS.Timeout | undefined;
  /** Created through the server: reaped after the grace when left alone. */
  readonly reapable: boolean;
}

export interface RegistryOptions {
  stream: StreamSettings;
  /** `null`: never reap. */
  unattachedGraceMs: number | null;
  /** Ends a reaped session. */
  reap(sessionId: string): void;
  /** A slow viewer was skipped ahead, or a writer paused its session (metrics). */
  onSkip(): void;
  onPause(): void;
}

/**
 * The sessions the server serves, fed by the backend's `output` and `session-closed` events. Streams
 * exist only for sessions it tracks, so a session it never saw costs nothing, and every session's output
 * goes only to channels attached to that session.
 *
 * @example
 * ```ts
 * const registry = new SessionRegistry(backend, rawBackend, options);
 * registry.track('s1', 'alice', { cols: 120, rows: 30 }, true);
 * registry.ownedBy('alice'); // ['s1']
 * ```
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, TrackedSession>();
  private readonly onOutput = (e: OutputEvent): void => this.output(e);
  private readonly onClosed = (e: SessionClosedEvent): void => this.closed(e);

  constructor(
    /** Calls go here (the guarded backend). */
    private readonly backend: ITerminalBackend,
    /** Events come from here, and flow control goes here. */
    private readonly events: ITerminalBackend,
    private readonly options: RegistryOptions,
  ) {
    events.on('output', this.onOutput);
    events.on('session-closed', this.onClosed);
  }

  dispose(): void {
    this.events.off('output', this.onOutput);
    this.events.off('session-closed', this.onClosed);
    for (const s of this.sessions.values()) {
      clearTimeout(s.reapTimer);
      for (const stream of s.streams.values()) stream.end('server closing', undefined);
    }
    this.sessions.clear();
  }

  get(sessionId: string): TrackedSession | undefined {
    return this.sessions.get(sessionId);
  }

  all(): TrackedSession[] {
    return [...this.sessions.values()];
  }

  ownedBy(userId: string): string[] {
    return [...this.sessions.values()].filter((s) => s.owner === userId).map((s) => s.id);
  }

  /** Starts following a session (before it is created, so no byte of it is missed). */
  track(
    id: string,
    owner: string | undefined,
    size: { cols: number; rows: number },
    reapable: boolean,
  ): TrackedSession {
    const existing = this.sessions.get(id);
    if (existing) return existing;
    const session: TrackedSession = {
      id,
      owner,
      createdAt: Date.now(),
      defaultPane: '0',
      size: { ...size },
      streams: new Map(),
      attachments: 0,
      busy: 0,
      reapTimer: undefined,
      reapable,
    };
    this.sessions.set(id, session);
    this.idle(session);
    return session;
  }

  forget(id: string, closeReason: string): void {
    const s = this.sessions.get(id);
    if (!s) return;
    clearTimeout(s.reapTimer);
    for (const stream of s.streams.values()) stream.end(closeReason, undefined);
    this.sessions.delete(id);
  }

  stream(session: TrackedSession, paneId: string = session.defaultPane): SessionStream {
    let stream = session.streams.get(paneId);
    if (!stream) {
      const id = session.id;
      stream = new SessionStream(
        id,
        paneId,
        this.options.stream,
        {
          resize: (cols, rows) => {
            session.size = { cols, rows };
            // The default pane is the whole window (tmux resizes the window, not one pane of it).
            return this.backend.resize(id, cols, rows, paneId === session.defaultPane ? undefined : paneId);
          },
          flow: sessionFlowControl(this.events, id),
          onSkip: () => this.options.onSkip(),
          onPause: () => this.options.onPause(),
        },
        session.size,
      );
      session.streams.set(paneId, stream);
    }
    return stream;
  }

  /** An attachment or a request started: the session is not left alone. */
  hold(session: TrackedSession, kind: 'attachments' | 'busy'): () => void {
    // The reap timer stays: it does nothing while the session is held, and `idle` refreshes it after.
    session[kind]++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      session[kind]--;
      this.idle(session);
    };
  }

  private idle(session: TrackedSession): void {
    const grace = this.options.unattachedGraceMs;
    if (grace === null || !session.reapable || session.attachments > 0 || session.busy > 0) return;
    // A session already gone (an attachment let go after its end) needs no timer.
    if (this.sessions.get(session.id) !== session) return;
    // One timer per session, restarted (not remade) at the end of each request.
    if (session.reapTimer) {
      session.reapTimer.refresh();
      return;
    }
    session.reapTimer = setTimeout(() => {
      session.reapTimer = undefined;
      if (this.sessions.get(session.id) === session && session.attachments === 0 && session.busy === 0)
        this.options.reap(session.id);
    }, grace);
    session.reapTimer.unref();
  }

  private output(e: OutputEvent): void {
    const session = this.sessions.get(e.sessionId);
    if (!session) return;
    this.stream(session, e.paneId).append(Buffer.from(e.data, 'utf8'));
  }

  private closed(e: SessionClosedEvent): void {
    const session = this.sessions.get(e.sessionId);
    if (!session) return;
    clearTimeout(session.reapTimer);
    this.sessions.delete(e.sessionId);
    for (const stream of session.streams.values()) stream.end(e.reason, e.exitCode);
  }
}
