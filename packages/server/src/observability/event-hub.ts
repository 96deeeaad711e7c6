import { type CommandExecution, type CommandStartedEvent, type ITerminalBackend } from '@vth/core';
import { type EventMessage } from '@vth/protocol';
import { redactSecrets } from '@vth/security';
import { type Identity } from '../auth/identity';

/** The backend's and manager's events the stream carries (`output` goes through attachments instead). */
export const STREAMED_EVENTS = [
  'session-created',
  'session-closed',
  'command-started',
  'command-completed',
  'health-changed',
  'error',
  'backend-ejected',
  'backend-recovered',
  'backend-health-changed',
  'failover',
  'session-migrated',
  'session-migration-failed',
  'backend-added',
  'backend-removed',
  'backend-drained',
  'swap-started',
  'backend-swapped',
  'swap-failed',
  'experiment-started',
  'experiment-updated',
  'experiment-stopped',
] as const;

interface Stored {
  message: EventMessage;
  /** The session's owner, for events about one session (others see only their own). */
  owner: string | undefined;
  perSession: boolean;
}

type Listener = (message: EventMessage) => void;

/** Strips what one user must not see of another's work, and what would not survive JSON. */
function sanitize(name: string, data: unknown): unknown {
  if (name === 'command-started') {
    const e = data as CommandStartedEvent;
    return { ...e, command: redactSecrets(e.command) };
  }
  if (name === 'command-completed') {
    const { output: _output, ...rest } = data as CommandExecution;
    return { ...rest, command: redactSecrets(rest.command) };
  }
  return JSON.parse(
    JSON.stringify(data, (_k, v: unknown) =>
      v instanceof Error && typeof (v as { toJSON?: unknown }).toJSON !== 'function'
        ? { name: v.name, message: v.message }
        : v,
    ),
  ) as unknown;
}

function sessionOf(name: string, data: unknown): string | undefined {
  const d = data as { sessionId?: unknown; id?: unknown } | null;
  if (typeof d?.sessionId === 'string') return d.sessionId;
  if (name === 'session-created' && typeof d?.id === 'string') return d.id;
  return undefined;
}

/**
 * The live event stream (topic `events`): the backend's and manager's events, numbered, with a bounded
 * backlog so a client that reconnects gets what it missed (`since`). An admin sees everything; a user sees
 * only events about their own sessions, and command text is redacted and output left out for everyone.
 *
 * @example
 * ```ts
 * const hub = new EventHub(manager, 1000, (id) => registry.get(id)?.owner);
 * const sub = hub.subscribe(identity, (m) => socket.send(JSON.stringify(m)), lastSeq);
 * ```
 */
export class EventHub {
  private seq = 0;
  private readonly backlog: Stored[] = [];
  private readonly listeners = new Map<Listener, Identity>();
  private readonly detach: Array<() => void> = [];

  constructor(
    source: ITerminalBackend,
    private readonly backlogSize: number,
    private readonly ownerOf: (sessionId: string) => string | undefined,
  ) {
    const emitter = source as unknown as {
      on(name: string, l: (d: unknown) => void): void;
      off(name: string, l: (d: unknown) => void): void;
    };
    for (const name of STREAMED_EVENTS) {
      const l = (data: unknown): void => this.publish(name, data);
      emitter.on(name, l);
      this.detach.push(() => emitter.off(name, l));
    }
  }

  get lastSeq(): number {
    return this.seq;
  }

  dispose(): void {
    for (const off of this.detach) off();
    this.listeners.clear();
  }

  /** Adds an event of the server's own (`admin-action`, ...). */
  publish(name: string, data: unknown): void {
    const sessionId = sessionOf(name, data);
    const stored: Stored = {
      message: { type: 'event', seq: ++this.seq, at: Date.now(), name, data: sanitize(name, data) },
      owner: sessionId === undefined ? undefined : this.ownerOf(sessionId),
      perSession: sessionId !== undefined,
    };
    if (this.backlogSize > 0) {
      this.backlog.push(stored);
      if (this.backlog.length > this.backlogSize) this.backlog.shift();
    }
    for (const [listener, identity] of this.listeners)
      if (visible(stored, identity)) listener(stored.message);
  }

  /**
   * Delivers future events (and, with `since`, the held ones after it) to `listener`. `missed` counts
   * events after `since` that are no longer held.
   */
  subscribe(
    identity: Identity,
    listener: Listener,
    since?: number,
  ): { seq: number; missed: number; stop: () => void } {
    let missed = 0;
    if (since !== undefined) {
      const oldest = this.backlog[0]?.message.seq ?? this.seq + 1;
      missed = Math.max(0, Math.min(oldest - 1, this.seq) - since);
      for (const s of this.backlog) if (s.message.seq > since && visible(s, identity)) listener(s.message);
    }
    this.listeners.set(listener, identity);
    return { seq: this.seq, missed, stop: () => this.listeners.delete(listener) };
  }
}

function visible(s: Stored, who: Identity): boolean {
  if (who.role === 'admin' && who.sessionId === undefined) return true;
  if (!s.perSession || s.owner !== who.userId) return false;
  return (
    who.sessionId === undefined ||
    (s.message.data as { sessionId?: string; id?: string }).sessionId === who.sessionId
  );
}
