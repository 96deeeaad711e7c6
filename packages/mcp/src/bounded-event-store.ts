import { type EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

interface StoredEvent {
  id: string;
  seq: number;
  streamId: string;
  message: JSONRPCMessage;
}

/**
 * The messages of one MCP session kept in memory for resuming a dropped stream (`Last-Event-ID`): the last
 * `capacity` only, oldest dropped first, so a client that never comes back costs a bounded amount. A
 * resume from an event no longer held replays nothing (the client missed those messages).
 *
 * @example new StreamableHTTPServerTransport({ sessionIdGenerator, eventStore: new BoundedEventStore(1000) })
 */
export class BoundedEventStore implements EventStore {
  private events: StoredEvent[] = [];
  private seq = 0;

  /** @param capacity Messages kept, over every stream of the session; 0 keeps none (no resuming). */
  constructor(private readonly capacity: number) {}

  /** Keeps the message (dropping the oldest beyond `capacity`) and answers its event id. */
  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    const seq = ++this.seq;
    const id = `${seq}_${streamId}`;
    if (this.capacity === 0) return id;
    this.events.push({ id, seq, streamId, message });
    if (this.events.length > this.capacity) this.events.splice(0, this.events.length - this.capacity);
    return id;
  }

  /** The stream an event id belongs to, read from the id itself (held or not); `undefined` for a malformed id. */
  async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    return parse(eventId)?.streamId;
  }

  /**
   * Sends, in order, the messages of `lastEventId`'s stream stored after it and still held, and answers
   * that stream's id (`''` for a malformed id: nothing replayed).
   */
  async replayEventsAfter(
    lastEventId: string,
    { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> },
  ): Promise<string> {
    const last = parse(lastEventId);
    if (!last) return '';
    for (const e of this.events.filter((e) => e.streamId === last.streamId && e.seq > last.seq))
      await send(e.id, e.message);
    return last.streamId;
  }

  /** Messages held now, at most `capacity`. */
  get size(): number {
    return this.events.length;
  }
}

function parse(eventId: string): { seq: number; streamId: string } | undefined {
  const m = /^(\d+)_(.+)$/.exec(eventId);
  return m ? { seq: Number(m[1]), streamId: m[2]! } : undefined;
}
