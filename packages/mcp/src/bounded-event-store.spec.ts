import { BoundedEventStore } from './bounded-event-store';

const message = (id: number) => ({
  jsonrpc: '2.0' as const,
  method: 'notifications/message',
  params: { id },
});

describe('BoundedEventStore', () => {
  it('replays the events of the same stream after the given one', async () => {
    const store = new BoundedEventStore(100);
    const a1 = await store.storeEvent('a', message(1));
    await store.storeEvent('b', message(2));
    await store.storeEvent('a', message(3));
    const sent: unknown[] = [];
    const stream = await store.replayEventsAfter(a1, { send: async (_id, m) => void sent.push(m) });
    expect(stream).toBe('a');
    expect(sent).toEqual([message(3)]);
    expect(await store.getStreamIdForEventId(a1)).toBe('a');
  });

  it('keeps only the last `capacity` events', async () => {
    const store = new BoundedEventStore(3);
    const first = await store.storeEvent('s', message(0));
    for (let i = 1; i < 10; i++) await store.storeEvent('s', message(i));
    expect(store.size).toBe(3);
    const sent: unknown[] = [];
    await store.replayEventsAfter(first, { send: async (_id, m) => void sent.push(m) });
    expect(sent).toEqual([message(7), message(8), message(9)]);
  });
});
