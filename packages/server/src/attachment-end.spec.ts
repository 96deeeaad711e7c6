import { CLOSE_CODES } from '@vth/protocol';
import { startServer, type Harness } from './test-support/server-harness.fixture';

describe('how an attachment ends when its session does', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServer({ config: { limits: { maxAttachmentsPerConnection: 1 } } });
  });
  afterAll(() => h.close());

  it('a shell that exits: every channel gets the last output, then detached with the exit code', async () => {
    const w = await h.connect();
    const v = await h.connect();
    const id = await w.newSession();
    const wc = await w.attach(id, 'writer', 'live');
    const vc = await v.attach(id, 'viewer', 'live');
    if (wc.type !== 'attached' || vc.type !== 'attached') throw new Error(JSON.stringify([wc, vc]));
    w.type(wc.channel, 'echo last-$((6*7)); exit 3\r');
    for (const [c, channel] of [
      [w, wc.channel],
      [v, vc.channel],
    ] as const) {
      const detached = await c.message('detached', (m) => m.channel === channel);
      expect(detached).toMatchObject({ reason: 'session-closed', exitCode: 3, offset: c.bytes(channel).end });
      expect(c.text(channel)).toContain('last-42');
    }
    await Promise.all([w.close(), v.close()]);
  });

  it('frees the channel: typing into it is UNKNOWN_CHANNEL, and it no longer counts against the limit', async () => {
    const c = await h.connect();
    const first = await c.newSession();
    const a = await c.attach(first, 'writer', 'live');
    if (a.type !== 'attached') throw new Error(JSON.stringify(a));
    expect(await c.request('session.destroy', { sessionId: first })).toMatchObject({ ok: true });
    await c.message('detached', (m) => m.channel === a.channel && m.reason === 'session-closed');
    c.type(a.channel, 'echo into the void\r');
    const refused = await c.message('error', (m) => m.channel === a.channel);
    expect(refused).toMatchObject({ code: 'UNKNOWN_CHANNEL' });
    // maxAttachmentsPerConnection is 1: the ended attachment must not hold the place of a new one.
    const second = await c.newSession();
    expect(await c.attach(second, 'viewer', 'live')).toMatchObject({ type: 'attached', sessionId: second });
    const metrics = await h.http('GET', '/metrics');
    expect(metrics.text).toContain('vth_server_attachments{mode="writer"} 0');
    expect(metrics.text).toContain('vth_server_attachments{mode="viewer"} 1');
    await c.close();
  });
});

describe('how attachments end when the server closes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServer();
  });
  afterAll(() => h.close());

  it('closes each connection with 1001; the backend is left to its owner', async () => {
    const c = await h.connect();
    const id = await c.newSession();
    const a = await c.attach(id, 'viewer', 'live');
    if (a.type !== 'attached') throw new Error(JSON.stringify(a));
    await h.server.close();
    expect(await c.closed()).toBe(CLOSE_CODES.GOING_AWAY);
    expect(c.messages.some((m) => m.type === 'detached')).toBe(false);
    expect(await h.backend.listSessions()).toMatchObject({
      ok: true,
      value: [expect.objectContaining({ id })],
    });
  });
});
