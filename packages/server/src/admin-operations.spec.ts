import { type BackendManager } from '@vth/manager';
import { MemoryAuditSink } from '@vth/security';
import { startServer, TOKENS, USERS_CONFIG, type Harness } from './test-support/server-harness.fixture';

type Row = { id: string; owner: string | null; attachments: number; poolBackendId?: string };

describe('the admin API over a manager', () => {
  let h: Harness;
  const audit = new MemoryAuditSink();
  beforeAll(async () => {
    h = await startServer({ backend: 'manager', audit, config: { auth: USERS_CONFIG } });
  });
  afterAll(() => h.close());

  const asRoot = (method: string, path: string, body?: unknown, key?: string) =>
    h.http(method, path, {
      token: TOKENS.root,
      ...(body === undefined ? {} : { body }),
      ...(key === undefined ? {} : { headers: { 'idempotency-key': key } }),
    });

  it('refuses users every admin route (403) and runs nothing', async () => {
    const before = audit.records.length;
    for (const [method, path] of [
      ['GET', '/v1/admin/backends'],
      ['GET', '/v1/admin/backends/pty'],
      ['POST', '/v1/admin/backends/pty/drain'],
      ['POST', '/v1/admin/experiments'],
      ['GET', '/v1/admin/sessions'],
      ['DELETE', '/v1/admin/sessions/any'],
      ['GET', '/v1/admin/metrics'],
    ] as const) {
      const r = await h.http(method, path, {
        token: TOKENS.alice,
        ...(method === 'POST' ? { body: {} } : {}),
        headers: { 'idempotency-key': `forbidden-${method}-${path.replace(/\//g, '_')}` },
      });
      expect({ path, status: r.status, code: r.body.error.code }).toEqual({
        path,
        status: 403,
        code: 'FORBIDDEN',
      });
    }
    expect(audit.records.length).toBe(before);
  });

  it('reads one backend’s health; an unknown backend or experiment is INVALID_INPUT', async () => {
    const pty = await asRoot('GET', '/v1/admin/backends/pty');
    expect(pty.status).toBe(200);
    expect(pty.body.value).toMatchObject({ health: expect.any(Object) });
    const unknown = await asRoot('GET', '/v1/admin/backends/nope');
    expect({ status: unknown.status, message: unknown.body.error.message }).toEqual({
      status: 400,
      message: 'no backend "nope" in the pool',
    });
    const undrain = await asRoot('POST', '/v1/admin/backends/nope/undrain', {}, 'undrain-nope');
    expect(undrain.status).toBe(400);
    expect(audit.records.at(-1)).toMatchObject({
      outcome: 'error',
      command: expect.stringMatching(/^admin\.backends\.undrain /),
    });
    expect((await asRoot('GET', '/v1/admin/experiments/nosuch')).body.error.message).toBe(
      'no experiment "nosuch"',
    );
  });

  it('drains and swaps with the options given, streaming the swap’s progress over the socket', async () => {
    expect((await asRoot('POST', '/v1/admin/backends/pty/drain', {}, 'drain-0')).body).toMatchObject({
      ok: true,
      value: { backendId: 'pty' },
    });
    expect((await asRoot('POST', '/v1/admin/backends/pty/undrain', {}, 'undrain-0')).body.ok).toBe(true);
    expect(
      (await asRoot('POST', '/v1/admin/backends/pty/drain', { mode: 'finish', timeoutMs: 2000 }, 'drain-1'))
        .body,
    ).toMatchObject({ ok: true, value: { backendId: 'pty' } });
    expect((await asRoot('POST', '/v1/admin/backends/pty/undrain', {}, 'undrain-1')).body).toEqual({
      ok: true,
      value: null,
    });
    const root = await h.connect({ token: TOKENS.root });
    const sid = ((await root.request('session.create', {})) as { value: { id: string } }).value.id;
    const swapped = await root.request('admin.backends.swap', {
      backendId: 'pty',
      spec: { type: 'node-pty' },
      drainTimeoutMs: 5000,
      mode: 'move',
      stream: true,
    });
    expect(swapped).toMatchObject({ ok: true });
    const progress = root.messages.flatMap((m) => (m.type === 'progress' ? [m.event] : []));
    expect(progress).toEqual(expect.arrayContaining(['swap-started', 'session-migrated', 'backend-swapped']));
    expect(
      await root.request('command.execute', { sessionId: sid, command: 'echo still-here' }),
    ).toMatchObject({
      ok: true,
      value: { output: 'still-here\n' },
    });
    expect(audit.records.at(-1)).toMatchObject({ userId: 'root', source: 'admin', outcome: 'completed' });
    await root.close();
  });

  it('starts, reports, updates and stops an experiment with the options given; the list keeps it once stopped', async () => {
    const spec = {
      name: 'canary',
      variants: [
        { name: 'a', backends: [{ type: 'node-pty' }] },
        { name: 'b', weight: 0, backends: [{ type: 'node-pty' }] },
      ],
    };
    expect((await asRoot('POST', '/v1/admin/experiments', spec, 'exp-start')).body).toMatchObject({
      ok: true,
      value: { name: 'canary' },
    });
    expect((await asRoot('GET', '/v1/admin/experiments/canary')).body).toMatchObject({
      ok: true,
      value: { name: 'canary', running: true },
    });
    expect(
      (await asRoot('PATCH', '/v1/admin/experiments/canary', { traffic: 0.5 }, 'exp-update')).body,
    ).toMatchObject({ ok: true, value: { traffic: 0.5 } });
    // While it runs, the metrics show each variant, and admin.metrics reports it.
    const scraped = (await asRoot('GET', '/metrics')).text;
    expect(scraped).toContain('vth_experiment_weight{experiment="canary",variant="b"} 0');
    expect(scraped).toMatch(/vth_experiment_latency_p95_seconds\{experiment="canary",variant="a"\} /);
    expect((await asRoot('GET', '/v1/admin/metrics')).body.value.experiments).toEqual([
      expect.objectContaining({ name: 'canary', running: true }),
    ]);
    const stopped = await asRoot(
      'POST',
      '/v1/admin/experiments/canary/stop',
      { moveSessions: true, drainTimeoutMs: 2000 },
      'exp-stop',
    );
    expect(stopped.body).toMatchObject({ ok: true });
    const listed = await asRoot('GET', '/v1/admin/experiments');
    expect(listed.body.value).toEqual([expect.objectContaining({ name: 'canary', running: false })]);
    expect(
      audit.records.filter((r) => r.command.startsWith('admin.experiments.')).map((r) => r.sessionId),
    ).toEqual(['', '', '']);
  });

  it('lists every session with its owner, attachments and pool backend; closes one, telling its viewers', async () => {
    const alice = await h.connect({ token: TOKENS.alice });
    const hers = ((await alice.request('session.create', {})) as { value: { id: string } }).value.id;
    const attached = await alice.attach(hers, 'viewer', 'live');
    if (attached.type !== 'attached') throw new Error(JSON.stringify(attached));
    // A session the embedding program made: no owner, not followed until an admin reaches it.
    const manager = h.backend as BackendManager;
    const outside = await manager.createSession({ sessionId: 'made-outside' });
    expect(outside.ok).toBe(true);
    const rows = (await asRoot('GET', '/v1/admin/sessions')).body.value as Row[];
    expect(rows.find((r) => r.id === hers)).toEqual(
      expect.objectContaining({ owner: 'alice', attachments: 1, poolBackendId: expect.any(String) }),
    );
    expect(rows.find((r) => r.id === 'made-outside')).toEqual(
      expect.objectContaining({ owner: null, attachments: 0 }),
    );
    // Only an admin reaches it, and then the server follows it.
    expect((await h.http('GET', '/v1/sessions/made-outside', { token: TOKENS.alice })).status).toBe(404);
    expect((await asRoot('GET', '/v1/sessions/made-outside')).body).toMatchObject({
      ok: true,
      value: { id: 'made-outside' },
    });
    const root = await h.connect({ token: TOKENS.root });
    const rootView = await root.attach('made-outside', 'viewer', 'live');
    expect(rootView).toMatchObject({ type: 'attached', sessionId: 'made-outside' });
    const closed = await asRoot('DELETE', `/v1/admin/sessions/${hers}`, undefined, 'close-hers');
    expect(closed.body).toEqual({ ok: true, value: null });
    const detached = await alice.message('detached', (m) => m.channel === attached.channel);
    expect(detached).toMatchObject({ reason: 'session-closed', offset: expect.any(Number) });
    expect(audit.records.at(-1)).toMatchObject({
      sessionId: hers,
      command: expect.stringMatching(/^admin\.sessions\.close /),
    });
    const again = await asRoot('DELETE', '/v1/admin/sessions/nosuch', undefined, 'close-nosuch');
    expect({ status: again.status, code: again.body.error.code }).toEqual({
      status: 404,
      code: 'SESSION_NOT_FOUND',
    });
    await manager.destroySession('made-outside');
    await Promise.all([alice.close(), root.close()]);
  });

  it('answers admin.metrics with the pool, totals and running experiments', async () => {
    const metrics = await asRoot('GET', '/v1/admin/metrics');
    expect(metrics.body.value).toMatchObject({
      health: { status: expect.any(String) },
      backends: [expect.objectContaining({ id: 'pty', errorRate: expect.any(Number) })],
      totals: { swaps: { succeeded: 1 } },
      experiments: [],
      server: { sessions: expect.any(Number) },
    });
  });
});

describe('the admin API over a single backend (no pool)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServer({ config: { auth: USERS_CONFIG } });
  });
  afterAll(() => h.close());

  it('answers pool operations UNSUPPORTED (501), and still lists and measures sessions', async () => {
    const root = await h.connect({ token: TOKENS.root });
    for (const [op, params] of [
      ['admin.backends.list', {}],
      ['admin.backends.drain', { backendId: 'x' }],
      ['admin.experiments.report', { name: 'x' }],
    ] as const)
      expect(await root.request(op, params)).toMatchObject({
        ok: false,
        error: { code: 'UNSUPPORTED', message: expect.stringContaining('not a BackendManager') },
      });
    expect((await h.http('GET', '/v1/admin/backends', { token: TOKENS.root })).status).toBe(501);
    const sid = ((await root.request('session.create', {})) as { value: { id: string } }).value.id;
    const listed = await root.request('admin.sessions.list');
    expect(listed).toMatchObject({ ok: true, value: [expect.objectContaining({ id: sid, owner: 'root' })] });
    expect((listed as { value: Row[] }).value[0]).not.toHaveProperty('poolBackendId');
    const metrics = await root.request('admin.metrics');
    expect(metrics).toMatchObject({
      ok: true,
      value: {
        health: { status: 'healthy' },
        backends: [
          { id: h.backend.id, type: 'node-pty', activeSessions: 1, ejected: false, draining: false },
        ],
        server: { connections: 1, sessions: 1 },
      },
    });
    await root.close();
  });
});
