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
  readonly seq: number;
  /** Built on first delivery: an event nobody receives costs no redaction. */
  readonly message: EventMessage;
  /** `data.sessionId`, when the event names one. */
  readonly sessionId: string | undefined;
  /** The session's owner, for events about one session (others see only their own). */
  owner: string | undefined;
  perSession: boolean;
}

type Listener = (message: EventMessage) => void;

/**
 * What is kept of an event when it happens: a copy that later changes to the source object cannot alter,
 * without command output (it never travels on this stream and would hold memory in the backlog).
 */
function snapshot(name: string, data: unknown): unknown {
  if (name === 'command-started') return { ...(data as CommandStartedEvent) };
  if (name === 'command-completed') {
    const { output: _output, ...rest } = data as CommandExecution;
    return rest;
  }
  return JSON.parse(
    JSON.stringify(data, (_k, v: unknown) =>
      v instanceof Error && typeof (v as { toJSON?: unknown }).toJSON !== 'function'
        ? { name: v.name, message: v.message }
        : v,
    ),
  ) as unknown;
}

/** Strips what one user must not see of another's work: secrets in command text. */
function redact(name: string, kept: unknown): unknown {
  if (name !== 'command-started' && name !== 'command-completed') return kept;
  const e = kept as { command: string };
  return { ...e, command: redactSecrets(e.command) };
}

function stored(
  seq: number,
  name: string,
  data: unknown,
  owner: string | undefined,
  perSession: boolean,
): Stored {
  const at = Date.now();
  const kept = snapshot(name, data);
  let message: EventMessage | undefined;
  const sessionId = (kept as { sessionId?: unknown } | null)?.sessionId;
  return {
    seq,
    owner,
    perSession,
    sessionId: typeof sessionId === 'string' ? sessionId : undefined,
    get message() {
      message ??= { type: 'event', seq, at, name, data: redact(name, kept) };
      return message;
    },
  };
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

  dispose(): void {
    for (const off of this.detach) off();
    this.listeners.clear();
  }

  /** Adds an event of the server's own (`admin-action`, ...). */
  publish(name: string, data: unknown): void {
    const sessionId = sessionOf(name, data);
    const owner = sessionId === undefined ? undefined : this.ownerOf(sessionId);
    const event = stored(++this.seq, name, data, owner, sessionId !== undefined);
    if (this.backlogSize > 0) {
      this.backlog.push(event);
      if (this.backlog.length > this.backlogSize) this.backlog.shift();
    }
    for (const [listener, identity] of this.listeners) if (visible(event, identity)) listener(event.message);
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
      const oldest = this.backlog[0]?.seq ?? this.seq + 1;
      missed = Math.max(0, Math.min(oldest - 1, this.seq) - since);
      for (const s of this.backlog) if (s.seq > since && visible(s, identity)) listener(s.message);
    }
    this.listeners.set(listener, identity);
    return { seq: this.seq, missed, stop: () => this.listeners.delete(listener) };
  }
}

function visible(s: Stored, who: Identity): boolean {
  if (who.role === 'admin' && who.sessionId === undefined) return true;
  if (!s.perSession || s.owner !== who.userId) return false;
  return who.sessionId === undefined || s.sessionId === who.sessionId;
}
