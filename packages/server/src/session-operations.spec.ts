import { startServer, TOKENS, USERS_CONFIG, type Harness } from './test-support/server-harness.fixture';
import { type TestClient } from './test-support/test-client.fixture';

describe('session operations on a user’s own sessions (node-pty)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServer({ config: { auth: USERS_CONFIG, sessions: { maxPerUser: 2 } } });
  });
  afterAll(() => h.close());

  /** Ends a test's session (alice may hold two at a time) and its connection. */
  async function destroy(c: TestClient, id: string): Promise<void> {
    expect(await c.request('session.destroy', { sessionId: id })).toMatchObject({ ok: true });
    await c.close();
  }

  it('refuses a taken id and a user’s session past maxPerUser; a failed create leaves nothing behind', async () => {
    const c = await h.connect({ token: TOKENS.bob });
    expect(await c.newSession({ sessionId: 'bob-one' })).toBe('bob-one');
    expect(await c.request('session.create', { options: { sessionId: 'bob-one' } })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'session id "bob-one" is taken', dispatched: false },
    });
    // The backend refuses it: the id it was tracked under is free again, and it counts for nothing.
    expect(
      await c.request('session.create', { options: { sessionId: 'bob-two', cwd: '/nonexistent/vth-dir' } }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('cwd') } });
    expect(await c.newSession({ sessionId: 'bob-two' })).toBe('bob-two');
    expect(await c.request('session.create', {})).toMatchObject({
      ok: false,
      error: { code: 'BUSY', message: 'user "bob" already has 2 sessions' },
    });
    const http = await h.http('POST', '/v1/sessions', {
      token: TOKENS.bob,
      body: {},
      headers: { 'idempotency-key': 'bob-third' },
    });
    expect(http.status).toBe(409);
    // Alice is not counted against Bob.
    const alice = await h.connect({ token: TOKENS.alice });
    const hers = await alice.newSession();
    expect(await c.request('session.destroy', { sessionId: 'bob-one' })).toEqual(
      expect.objectContaining({ ok: true, value: null }),
    );
    expect(await c.newSession()).toMatch(/^s/);
    await Promise.all([c.close(), destroy(alice, hers)]);
  });

  it('gets, runs a batch and limited commands, types, interrupts and captures; a wrong pane is a typed error', async () => {
    const c = await h.connect({ token: TOKENS.alice });
    const id = await c.newSession();
    expect(await c.request('session.get', { sessionId: id })).toMatchObject({
      ok: true,
      value: { id, panes: [expect.any(String)] },
    });
    expect(await c.request('command.batch', { sessionId: id, commands: ['echo a', 'echo b'] })).toMatchObject(
      { ok: true, value: [{ output: 'a\n' }, { output: 'b\n' }] },
    );
    const limited = await c.request('command.execute', {
      sessionId: id,
      command: 'printf 0123456789',
      timeoutMs: 10_000,
      idleTimeoutMs: 10_000,
      maxOutputBytes: 4,
    });
    // Truncated to its head and tail.
    expect(limited).toMatchObject({ ok: true, value: { output: '0189', truncatedBytes: 6 } });
    const seen = await c.attach(id, 'viewer', 'live');
    if (seen.type !== 'attached') throw new Error(JSON.stringify(seen));
    expect(await c.request('session.input', { sessionId: id, data: 'echo typed-$((40+2))\r' })).toMatchObject(
      {
        ok: true,
        value: null,
      },
    );
    await c.until(() => c.text(seen.channel).includes('typed-42'), 'the typed command to run');
    const captured = await c.request('session.capture', { sessionId: id, lines: 5 });
    expect(captured).toMatchObject({ ok: true, value: expect.stringContaining('typed-42') });
    expect((captured as { value: string }).value.replace(/\n$/, '').split('\n').length).toBeLessThanOrEqual(
      5,
    );
    expect(await c.request('session.interrupt', { sessionId: id })).toMatchObject({ ok: true, value: null });
    for (const [op, params] of [
      ['session.input', { sessionId: id, paneId: 'p9', data: 'x' }],
      ['session.interrupt', { sessionId: id, paneId: 'p9' }],
      ['session.capture', { sessionId: id, paneId: 'p9' }],
      ['session.resize', { sessionId: id, paneId: 'p9', cols: 80, rows: 24 }],
    ] as const)
      expect(await c.request(op, params)).toMatchObject({ ok: false, error: { code: 'PANE_NOT_FOUND' } });
    await destroy(c, id);
  });

  it('session.resize tells every attached channel the new size, once', async () => {
    const c = await h.connect({ token: TOKENS.alice });
    const id = await c.newSession({ cols: 100, rows: 30 });
    const viewer = await c.attach(id, 'viewer', 'live');
    if (viewer.type !== 'attached') throw new Error(JSON.stringify(viewer));
    expect(await c.request('session.resize', { sessionId: id, cols: 90, rows: 20 })).toMatchObject({
      ok: true,
    });
    await c.message('size', (m) => m.channel === viewer.channel && m.cols === 90 && m.rows === 20);
    expect(await c.request('session.resize', { sessionId: id, cols: 90, rows: 20 })).toMatchObject({
      ok: true,
    });
    expect(
      await c.request('command.execute', { sessionId: id, command: 'echo "$(tput cols)x$(tput lines)"' }),
    ).toMatchObject({ ok: true, value: { output: '90x20\n' } });
    expect(c.messages.filter((m) => m.type === 'size')).toHaveLength(1);
    await destroy(c, id);
  });

  it('mints attach tokens for one session or all, capped at the configured lifetime; a handle that is not one is 400', async () => {
    const c = await h.connect({ token: TOKENS.alice });
    const id = await c.newSession();
    const before = Date.now();
    const limited = await c.request('token.attach', { sessionId: id, ttlMs: 24 * 3600 * 1000 });
    expect(limited).toMatchObject({ ok: true, value: { token: expect.any(String) } });
    const { token, expiresAt } = (limited as { value: { token: string; expiresAt: number } }).value;
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + h.server.config.auth.attachTokenTtlMs);
    expect(expiresAt).toBeGreaterThanOrEqual(before + h.server.config.auth.attachTokenTtlMs);
    // Limited to its session: as a bearer token (a browser's fetch), it sees that session and no other.
    const listed = await h.http('GET', '/v1/sessions', { token });
    expect(listed.body.value.map((s: { id: string }) => s.id)).toEqual([id]);
    // Unlimited: any of her sessions, this one among them.
    const any = (await c.request('token.attach', {})) as { value: { token: string } };
    const all = await h.http('GET', '/v1/sessions', { token: any.value.token });
    expect(all.body.value.map((s: { id: string }) => s.id)).toContain(id);
    expect(await c.request('token.attach', { sessionId: 'nosuch' })).toMatchObject({
      ok: false,
      error: { code: 'SESSION_NOT_FOUND' },
    });
    const bobs = await h.http('POST', '/v1/attach-tokens', { token: TOKENS.bob, body: { sessionId: id } });
    expect(bobs.status).toBe(404);
    const notHandle = await h.http('GET', '/v1/commands/not-a-handle/output', { token: TOKENS.alice });
    expect(notHandle.status).toBe(400);
    expect(notHandle.body.error.message).toMatch(/^invalid handle: /);
    await destroy(c, id);
  });
});
