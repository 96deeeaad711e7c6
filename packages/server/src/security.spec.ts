import { request } from 'node:http';
import { NodePtyBackend } from '@vth/backend-node-pty';
import { CLOSE_CODES, encodeInputFrame } from '@vth/protocol';
import { MemoryAuditSink } from '@vth/security';
import { createServer } from './create-server';
import { startServer, TOKENS, USERS_CONFIG, type Harness } from './test-support/server-harness.fixture';
import { TestClient } from './test-support/test-client.fixture';

/** fetch cannot set Host: a DNS-rebinding page's requests carry its own domain there. */
function statusWithHost(url: string, path: string, host: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { headers: { host, authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a server that serves several users', () => {
  let h: Harness;
  const audit = new MemoryAuditSink();
  beforeAll(async () => {
    h = await startServer({
      config: { auth: USERS_CONFIG, limits: { maxProtocolErrors: 5, maxMessageBytes: 4096 } },
      security: { rateLimit: { perUser: { capacity: 3, refillPerSecond: 0.001 } }, audit: { sink: audit } },
    });
  });
  afterAll(() => h.close());

  it('refuses serving off localhost without tokens', () => {
    const created = createServer({ backend: new NodePtyBackend(), config: { host: '0.0.0.0' } });
    expect(created).toMatchObject({ ok: false, error: { code: 'INVALID_CONFIG' } });
    expect(!created.ok && created.error.message).toMatch(/auth\.tokens: serving on 0\.0\.0\.0/);
  });

  it('refuses requests and sockets without a valid token, from another origin or for another host', async () => {
    expect((await h.http('GET', '/v1/sessions')).status).toBe(401);
    expect((await h.http('GET', '/v1/sessions', { token: 'nope' })).status).toBe(401);
    expect((await h.http('GET', '/v1/sessions', { token: TOKENS.alice })).status).toBe(200);
    expect(await statusWithHost(h.url, '/v1/sessions', 'evil.example', TOKENS.alice)).toBe(403);
    expect(await statusWithHost(h.url, '/v1/sessions', 'localhost:1234', TOKENS.alice)).toBe(200);
    expect(
      (
        await h.http('GET', '/v1/sessions', {
          token: TOKENS.alice,
          headers: { origin: 'http://evil.example' },
        })
      ).status,
    ).toBe(403);
    expect((await h.http('GET', '/healthz')).status).toBe(200);
    expect((await h.http('GET', '/metrics', { token: TOKENS.alice })).status).toBe(403);
    expect((await h.http('GET', '/metrics', { token: TOKENS.root })).status).toBe(200);
    for (const [options, code] of [
      [{}, CLOSE_CODES.AUTH_FAILED],
      [{ token: 'wrong' }, CLOSE_CODES.AUTH_FAILED],
      [{ token: TOKENS.alice, origin: 'http://evil.example' }, CLOSE_CODES.FORBIDDEN],
      [{ token: TOKENS.alice, protocols: ['vth.v0'] }, CLOSE_CODES.PROTOCOL_UNSUPPORTED],
    ] as Array<[{ token?: string; origin?: string; protocols?: string[] }, number]>) {
      const c = await h.connect(options);
      expect(await c.closed()).toBe(code);
      expect(c.messages).toEqual([]);
    }
  });

  it('lets a browser in with a short-lived attach token (subprotocol or query), limited to what it was given', async () => {
    const alice = await h.connect({ token: TOKENS.alice });
    const s1 = ((await alice.request('session.create', {})) as { value: { id: string } }).value.id;
    const s2 = ((await alice.request('session.create', {})) as { value: { id: string } }).value.id;
    const minted = await h.http('POST', '/v1/attach-tokens', {
      token: TOKENS.alice,
      body: { sessionId: s1 },
    });
    expect(minted.status).toBe(200);
    const token = minted.body.value.token as string;
    const viaProtocol = await TestClient.connect(h.wsUrl, { protocols: ['vth.v1', `vth.token.${token}`] });
    expect(await viaProtocol.message('hello')).toMatchObject({ user: { id: 'alice', role: 'user' } });
    expect(await viaProtocol.attach(s1, 'viewer')).toMatchObject({ type: 'attached' });
    expect(await viaProtocol.attach(s2, 'viewer')).toMatchObject({
      type: 'error',
      code: 'SESSION_NOT_FOUND',
    });
    expect(await viaProtocol.request('session.create', {})).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await viaProtocol.request('token.attach', {})).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const viaQuery = await h.connect({
      query: `token=${encodeURIComponent(token)}&session=${s1}&mode=viewer`,
    });
    expect(await viaQuery.message('attached')).toMatchObject({ sessionId: s1, mode: 'viewer' });
    const forged = await h.connect({ query: `token=${encodeURIComponent(token.slice(0, -2) + 'xx')}` });
    expect(await forged.closed()).toBe(CLOSE_CODES.AUTH_FAILED);
    await Promise.all([alice.close(), viaProtocol.close(), viaQuery.close()]);
  });

  it("never shows or touches another user's session", async () => {
    const alice = await h.connect({ token: TOKENS.alice });
    const bob = await h.connect({ token: TOKENS.bob });
    bob.send({ type: 'subscribe', topic: 'events' });
    alice.send({ type: 'subscribe', topic: 'events' });
    await Promise.all([bob.message('subscribed'), alice.message('subscribed')]);
    const id = ((await alice.request('session.create', {})) as { value: { id: string } }).value.id;
    await alice.message('event', (m) => m.name === 'session-created');
    const notFound = { ok: false, error: { code: 'SESSION_NOT_FOUND', message: `no session "${id}"` } };
    expect(await bob.request('command.execute', { sessionId: id, command: 'echo pwned' })).toMatchObject(
      notFound,
    );
    expect(await bob.request('session.input', { sessionId: id, data: 'echo pwned\r' })).toMatchObject(
      notFound,
    );
    expect(await bob.request('session.capture', { sessionId: id })).toMatchObject(notFound);
    expect(await bob.request('session.destroy', { sessionId: id })).toMatchObject(notFound);
    expect(await bob.request('session.get', { sessionId: id })).toMatchObject(notFound);
    expect(await bob.request('session.get', { sessionId: 'no-such-session' })).toMatchObject({
      ok: false,
      error: { code: 'SESSION_NOT_FOUND', message: 'no session "no-such-session"' },
    });
    expect(await bob.attach(id, 'viewer')).toMatchObject({ type: 'error', code: 'SESSION_NOT_FOUND' });
    expect((await bob.request('session.list')) as { value: unknown[] }).toMatchObject({
      ok: true,
      value: [],
    });
    expect(
      (
        await h.http('POST', `/v1/sessions/${id}/execute`, {
          token: TOKENS.bob,
          body: { command: 'id', requestId: 'b1' },
        })
      ).status,
    ).toBe(404);
    const byUrl = await h.connect({ token: TOKENS.bob, query: `session=${id}&mode=writer` });
    expect(await byUrl.closed()).toBe(CLOSE_CODES.SESSION_NOT_FOUND);
    expect(await bob.request('admin.sessions.list')).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    bob.send({ type: 'subscribe', topic: 'metrics' });
    await bob.message('error', (m) => m.code === 'FORBIDDEN');
    // Alice's own command runs, is seen by her event stream and not by Bob's.
    expect(await alice.request('command.execute', { sessionId: id, command: 'echo mine' })).toMatchObject({
      ok: true,
    });
    await alice.message('event', (m) => m.name === 'command-completed');
    expect(bob.messages.filter((m) => m.type === 'event')).toEqual([]);
    // The event stream carries command text with its secrets masked, and never output.
    expect(
      await alice.request('command.execute', {
        sessionId: id,
        command: 'export DB_PASSWORD=hunter2secret && echo shown-only-in-the-reply',
      }),
    ).toMatchObject({ ok: true });
    const done = await alice.message(
      'event',
      (m) => m.name === 'command-completed' && JSON.stringify(m.data).includes('DB_PASSWORD'),
    );
    expect(done.data).toMatchObject({ command: 'export DB_PASSWORD=*** && echo shown-only-in-the-reply' });
    expect(done.data).not.toHaveProperty('output');
    const seen = JSON.stringify(alice.messages.filter((m) => m.type === 'event'));
    expect(seen).not.toContain('hunter2secret');
    expect(seen).not.toContain('shown-only-in-the-reply\\n');
    // The user id of a call is the token's: the audit says alice, whatever the client claimed.
    expect(
      await alice.request('command.execute', { sessionId: id, command: 'echo x', source: 'voice' }),
    ).toMatchObject({ ok: true });
    expect(
      audit.records.some((r) => r.userId === 'alice' && r.source === 'voice' && r.command === 'echo x'),
    ).toBe(true);
    await Promise.all([alice.close(), bob.close()]);
  });

  it('applies rate limits per user', async () => {
    const bob = await h.connect({ token: TOKENS.bob });
    const id = ((await bob.request('session.create', {})) as { value: { id: string } }).value.id;
    const results = [];
    for (let i = 0; i < 5; i++)
      results.push(await bob.request('command.execute', { sessionId: id, command: 'true' }));
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.error.code)).toContain('RATE_LIMITED');
    await bob.close();
  });

  it('answers malformed, unknown and oversized messages with typed errors, then closes; the server lives on', async () => {
    const c = await h.connect({ token: TOKENS.alice });
    await c.message('hello');
    c.sendRaw('{not json');
    await c.message('error', (m) => m.code === 'BAD_MESSAGE');
    c.send({ type: 'launch' });
    await c.message('error', (m) => m.code === 'UNKNOWN_TYPE');
    c.sendRaw(Buffer.from([7, 1, 2]), true);
    await c.message('error', (m) => m.code === 'UNKNOWN_TYPE');
    c.sendRaw(Buffer.from(encodeInputFrame(99, Buffer.from('x'))), true);
    await c.message('error', (m) => m.code === 'UNKNOWN_CHANNEL');
    c.send({ type: 'ping', pad: 'x'.repeat(5000) });
    await c.message('error', (m) => m.code === 'TOO_LARGE');
    expect(c.closeCode).toBeUndefined();
    c.send({ type: 'attach', sessionId: '../../etc' });
    expect(await c.closed()).toBe(CLOSE_CODES.PROTOCOL_ERROR);
    const big = await h.connect({ token: TOKENS.alice });
    await big.message('hello');
    big.sendRaw('x'.repeat(4096 * 4 + 1));
    expect(await big.closed()).toBe(CLOSE_CODES.MESSAGE_TOO_BIG);
    const viewer = await h.connect({ token: TOKENS.alice });
    const id = ((await viewer.request('session.create', {})) as { value: { id: string } }).value.id;
    const attached = await viewer.attach(id, 'viewer', 'live');
    if (attached.type !== 'attached') throw new Error('attach failed');
    viewer.type(attached.channel, 'echo not allowed\r');
    await viewer.message('error', (m) => m.code === 'FORBIDDEN');
    const after = await h.connect({ token: TOKENS.alice });
    expect(await after.request('session.list')).toMatchObject({ ok: true });
    expect(c.invalid.concat(big.invalid, viewer.invalid)).toEqual([]);
    await Promise.all([viewer.close(), after.close()]);
  });
});
