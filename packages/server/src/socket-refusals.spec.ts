import { CLOSE_CODES, encodeOutputFrame } from '@vth/protocol';
import { startServer, type Harness } from './test-support/server-harness.fixture';
import { type TestClient } from './test-support/test-client.fixture';

describe('the socket answers each message a client gets wrong with a typed error, and goes on', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServer({
      config: {
        limits: { maxAttachmentsPerConnection: 2, maxQueuedInputBytes: 1024, maxProtocolErrors: 50 },
      },
    });
  });
  afterAll(() => h.close());

  /** The errors received since message `from`, as `code:channel`. */
  const errorsSince = (c: TestClient, from: number) =>
    c.messages.slice(from).flatMap((m) => (m.type === 'error' ? [`${m.code}:${m.channel ?? '-'}`] : []));

  it('binary frames: an output frame or a truncated one is BAD_MESSAGE; too much typing at once is OVERLOADED', async () => {
    const c = await h.connect();
    const id = await c.newSession();
    const w = await c.attach(id, 'writer', 'live');
    if (w.type !== 'attached') throw new Error(JSON.stringify(w));
    const from = c.messages.length;
    c.sendRaw(Buffer.from(encodeOutputFrame(w.channel, 0, Buffer.from('fake output'))), true);
    c.sendRaw(Buffer.from([2, 0, 0]), true);
    c.sendRaw(Buffer.from([...Buffer.from([2, 0, 0, 0, w.channel]), ...Buffer.alloc(2000, 0x61)]), true);
    await c.roundTrip();
    expect(errorsSince(c, from)).toEqual(['BAD_MESSAGE:-', 'BAD_MESSAGE:-', `OVERLOADED:${w.channel}`]);
    expect(c.messages.find((m) => m.type === 'error')).toMatchObject({
      message: 'clients send input frames only',
    });
    // Nothing of the refused input reached the shell; what fits still does, a character split between
    // two frames arriving whole.
    const line = Buffer.from('echo typed-é-$((40+2))\r');
    const cut = line.indexOf(0xc3) + 1;
    c.sendRaw(Buffer.from([2, 0, 0, 0, w.channel, ...line.subarray(0, cut)]), true);
    c.sendRaw(Buffer.from([2, 0, 0, 0, w.channel, ...line.subarray(cut)]), true);
    await c.until(() => c.text(w.channel).includes('typed-é-42'), 'the typed command');
    expect(c.text(w.channel)).not.toContain('aaaa');
    await c.close();
  });

  it('control messages: unknown channels, an ack of bytes never sent, a bad attach with its ref, too many attachments', async () => {
    const c = await h.connect();
    const id = await c.newSession();
    const from = c.messages.length;
    c.send({ type: 'detach', channel: 42 });
    c.send({ type: 'ack', channel: 42, offset: 0 });
    c.send({ type: 'viewport', channel: 42, cols: 80, rows: 24 });
    await c.roundTrip();
    expect(errorsSince(c, from)).toEqual(['UNKNOWN_CHANNEL:42', 'UNKNOWN_CHANNEL:42', 'UNKNOWN_CHANNEL:42']);

    const v = await c.attach(id, 'viewer', 'live');
    if (v.type !== 'attached') throw new Error(JSON.stringify(v));
    const beforeAcks = c.messages.length;
    c.send({ type: 'ack', channel: v.channel, offset: 0 });
    c.send({ type: 'ack', channel: v.channel, offset: 1_000_000 });
    await c.roundTrip();
    expect(c.messages.slice(beforeAcks).filter((m) => m.type === 'error')).toEqual([
      expect.objectContaining({
        code: 'BAD_MESSAGE',
        channel: v.channel,
        message: `ack of offset 1000000 beyond what was sent (${v.offset})`,
      }),
    ]);

    c.send({ type: 'attach', ref: 'my-ref', sessionId: id });
    await c.message('error', (m) => m.ref === 'my-ref' && m.code === 'BAD_MESSAGE');
    const beforeLong = c.messages.length;
    c.send({ type: 'attach', ref: 'r'.repeat(65), sessionId: id, mode: 'viewer' });
    c.send({ type: 'attach', ref: 7, sessionId: id, mode: 'viewer' });
    await c.roundTrip();
    const unmatched = c.messages.slice(beforeLong).filter((m) => m.type === 'error');
    expect(unmatched.map((m) => m.type === 'error' && [m.code, m.ref])).toEqual([
      ['BAD_MESSAGE', undefined],
      ['BAD_MESSAGE', undefined],
    ]);

    expect(await c.attach(id, 'viewer', 'live')).toMatchObject({ type: 'attached' });
    expect(await c.attach(id, 'viewer', 'live')).toMatchObject({
      type: 'error',
      code: 'OVERLOADED',
      message: 'too many attachments on this connection',
    });
    c.send({ type: 'ping' });
    await c.until(() => c.messages.some((m) => m.type === 'pong' && m.t === undefined), 'a pong without t');
    expect(c.closeCode).toBeUndefined();
    expect(c.invalid).toEqual([]);
    await c.close();
  });

  it('closes a URL attach that names no session (4004) or asks for a mode that does not exist (4009)', async () => {
    const missing = await h.connect({ query: 'session=nosuch' });
    expect(await missing.closed()).toBe(CLOSE_CODES.SESSION_NOT_FOUND);
    expect(missing.closeReason).toBe('no session "nosuch"');
    const bad = await h.connect({ query: 'session=x&mode=boss' });
    expect(await bad.closed()).toBe(CLOSE_CODES.PROTOCOL_ERROR);
    expect(bad.messages).toEqual([]);
  });
});
