import { startServer, TOKENS, USERS_CONFIG, type Harness } from './test-support/server-harness.fixture';
import { type TestClient } from './test-support/test-client.fixture';

/** One audited admin action, so one `admin-action` event. */
async function adminAction(h: Harness, key: string, token?: string): Promise<void> {
  const r = await h.http('DELETE', '/v1/admin/sessions/nosuch', {
    ...(token === undefined ? {} : { token }),
    headers: { 'idempotency-key': key },
  });
  expect(r.status).toBe(404);
}

const seqs = (c: TestClient, from = 0) =>
  c.messages.slice(from).flatMap((m) => (m.type === 'event' ? [m.seq] : []));

describe('the events topic', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServer({ config: { auth: USERS_CONFIG, events: { backlog: 3, metricsIntervalMs: 100 } } });
  });
  afterAll(() => h.close());

  it('replays what it holds after `since`, counts what it no longer holds; resubscribing replaces; unsubscribing stops', async () => {
    for (let i = 1; i <= 5; i++) await adminAction(h, `ev-${i}`, TOKENS.root);
    const c = await h.connect({ token: TOKENS.root });
    c.send({ type: 'subscribe', topic: 'events', since: 0 });
    // Each action is an admin-action event and more (the backend's): the backlog holds the last 3.
    const { seq, missed } = (await c.message('subscribed')) as { seq: number; missed: number };
    expect(seq).toBeGreaterThanOrEqual(5);
    expect(missed).toBe(seq - 3);
    await c.until(() => seqs(c).length === 3, 'the held events');
    expect(seqs(c)).toEqual([seq - 2, seq - 1, seq]);
    const from = c.messages.length;
    c.send({ type: 'subscribe', topic: 'events', since: seq - 1 });
    await c.message('subscribed', (m) => c.messages.indexOf(m) >= from);
    await adminAction(h, 'ev-6', TOKENS.root);
    const next = await c.message('event', (m) => c.messages.indexOf(m) >= from && m.seq > seq);
    await c.roundTrip();
    // One subscription, not two: the replayed last one, then each new one once.
    const got = seqs(c, from);
    expect(got[0]).toBe(seq);
    expect(got.slice(1)).toEqual([...new Set(got.slice(1))]);
    expect(got).toContain(next.seq);
    c.send({ type: 'unsubscribe', topic: 'events' });
    await c.roundTrip();
    const after = c.messages.length;
    await adminAction(h, 'ev-7', TOKENS.root);
    await c.roundTrip();
    expect(seqs(c, after)).toEqual([]);
    await c.close();
  });

  it('a token limited to one session sees that session’s events only; a session made outside the server, admins only', async () => {
    const alice = await h.connect({ token: TOKENS.alice });
    const [s1, s2] = await Promise.all(
      [1, 2].map(
        async () => ((await alice.request('session.create', {})) as { value: { id: string } }).value.id,
      ),
    );
    const minted = await alice.request('token.attach', { sessionId: s1 });
    const limited = await h.connect({
      query: `token=${encodeURIComponent((minted as { value: { token: string } }).value.token)}`,
    });
    const root = await h.connect({ token: TOKENS.root });
    for (const c of [limited, root, alice]) c.send({ type: 'subscribe', topic: 'events' });
    await Promise.all([limited, root, alice].map((c) => c.message('subscribed')));
    await alice.request('command.execute', { sessionId: s2, command: 'echo two' });
    await alice.request('command.execute', { sessionId: s1, command: 'echo one' });
    const outside = await h.backend.createSession({ sessionId: 'outside-events' });
    expect(outside.ok).toBe(true);
    expect((await h.backend.executeCommand('outside-events', 'echo hidden')).ok).toBe(true);
    expect((await h.backend.destroySession('outside-events')).ok).toBe(true);
    await root.message(
      'event',
      (m) => m.name === 'session-closed' && (m.data as { sessionId: string }).sessionId === 'outside-events',
    );
    await alice.request('command.execute', { sessionId: s1, command: 'echo last' });
    await limited.message(
      'event',
      (m) => m.name === 'command-completed' && JSON.stringify(m.data).includes('echo last'),
    );
    const sessionsSeen = (c: TestClient) =>
      new Set(
        c.messages.flatMap((m) => (m.type === 'event' ? [(m.data as { sessionId?: string }).sessionId] : [])),
      );
    expect([...sessionsSeen(limited)]).toEqual([s1]);
    expect(sessionsSeen(alice)).toEqual(new Set([s1, s2]));
    expect([...sessionsSeen(root)]).toEqual(expect.arrayContaining([s1, s2, 'outside-events']));
    await Promise.all([alice.close(), limited.close(), root.close()]);
  });

  it('the metrics topic: admins only, a snapshot at once and then every interval', async () => {
    const alice = await h.connect({ token: TOKENS.alice });
    alice.send({ type: 'subscribe', topic: 'metrics' });
    expect(await alice.message('error')).toMatchObject({ code: 'FORBIDDEN' });
    const root = await h.connect({ token: TOKENS.root });
    root.send({ type: 'subscribe', topic: 'metrics' });
    await root.message('subscribed', (m) => m.topic === 'metrics');
    await root.until(
      () => root.messages.filter((m) => m.type === 'metrics').length >= 2,
      'a periodic snapshot',
    );
    expect(root.messages.find((m) => m.type === 'metrics')).toMatchObject({
      data: { health: { status: 'healthy' }, server: { connections: expect.any(Number) } },
    });
    // A second subscriber shares the timer; the first leaving does not stop it.
    const second = await h.connect({ token: TOKENS.root });
    second.send({ type: 'subscribe', topic: 'metrics' });
    await second.message('metrics');
    root.send({ type: 'unsubscribe', topic: 'metrics' });
    await root.roundTrip();
    const from = second.messages.length;
    await second.until(
      () => second.messages.slice(from).some((m) => m.type === 'metrics'),
      'the next snapshot',
    );
    await Promise.all([alice.close(), root.close(), second.close()]);
  });
});

describe('the events topic without a backlog', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServer({ config: { events: { backlog: 0 } } });
  });
  afterAll(() => h.close());

  it('counts every event before `since` as missed, and replays none', async () => {
    for (let i = 1; i <= 2; i++) await adminAction(h, `none-${i}`);
    const c = await h.connect();
    c.send({ type: 'subscribe', topic: 'events', since: 0 });
    const subscribed = (await c.message('subscribed')) as { seq: number; missed: number };
    expect(subscribed.seq).toBeGreaterThanOrEqual(2);
    expect(subscribed.missed).toBe(subscribed.seq);
    await c.roundTrip();
    expect(seqs(c)).toEqual([]);
    await c.close();
  });
});
