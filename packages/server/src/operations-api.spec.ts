import { CLOSE_CODES } from '@vth/protocol';
import { MemoryAuditSink } from '@vth/security';
import { startServer, type Harness } from './test-support/server-harness.fixture';

describe('operating a manager through the server', () => {
  let h: Harness;
  const audit = new MemoryAuditSink();
  beforeAll(async () => {
    h = await startServer({
      backend: 'manager',
      audit,
      config: { heartbeat: { intervalMs: 100, timeoutMs: 400 } },
    });
  });
  afterAll(() => h.close());

  it('serves health, readiness, metrics and an OpenAPI document of every route', async () => {
    expect((await h.http('GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await h.http('GET', '/readyz')).body).toMatchObject({ ready: true });
    const doc = (await h.http('GET', '/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/v1/sessions/{sessionId}/execute'].post.operationId).toBe('command.execute');
    expect(
      doc.paths['/v1/admin/experiments'].post.requestBody.content['application/json'].schema.properties
        .variants,
    ).toBeDefined();
    const c = await h.connect();
    const id = ((await c.request('session.create', {})) as { value: { id: string } }).value.id;
    expect(await c.request('command.execute', { sessionId: id, command: 'true' })).toMatchObject({
      ok: true,
    });
    const metrics = (await h.http('GET', '/metrics')).text;
    for (const name of [
      'vth_command_duration_seconds_bucket{le=',
      'vth_backend_sessions{backend="pty"} 1',
      'vth_server_connections{transport="ws"} 1',
      'vth_backend_up{backend="pty",status="healthy"',
      'vth_server_requests_total{op="command.execute",transport="ws",outcome="ok"} 1',
    ])
      expect(metrics).toContain(name);
    await c.close();
  });

  it('counts requests for unknown operations under one label: a client cannot grow the metrics', async () => {
    const c = await h.connect();
    for (let i = 0; i < 50; i++) {
      expect(await c.request(`made.up.${i}`, {})).toMatchObject({ ok: false });
    }
    const metrics = (await h.http('GET', '/metrics')).text;
    expect(metrics).not.toContain('made.up');
    expect(metrics).toMatch(/vth_server_requests_total\{op="unknown",transport="ws",outcome="[A-Z_]+"\} 50/);
    await c.close();
  });

  it('drains, undrains and hot-swaps with progress; starts, changes and stops an experiment; all audited and streamed', async () => {
    const admin = await h.connect();
    admin.send({ type: 'subscribe', topic: 'events' });
    await admin.message('subscribed');
    expect(await admin.request('admin.backends.list')).toMatchObject({
      ok: true,
      value: [{ id: 'pty', type: 'node-pty', status: 'healthy' }],
    });
    expect(await admin.request('admin.backends.drain', { backendId: 'pty', timeoutMs: 1000 })).toMatchObject({
      ok: true,
      value: { backendId: 'pty' },
    });
    expect(await admin.request('admin.backends.undrain', { backendId: 'pty' })).toMatchObject({ ok: true });
    const sid = ((await admin.request('session.create', {})) as { value: { id: string } }).value.id;
    const swap = await h.http('POST', '/v1/admin/backends/pty/swap', {
      body: { spec: { type: 'node-pty' }, probes: 1, stream: true, requestId: 'swap-1' },
    });
    const lines = swap.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; event?: string; ok?: boolean });
    expect(lines.filter((l) => l.type === 'progress').map((l) => l.event)).toEqual(
      expect.arrayContaining(['swap-started', 'session-migrated', 'backend-swapped']),
    );
    expect(lines[lines.length - 1]).toMatchObject({ type: 'result', ok: true });
    expect(await admin.request('command.execute', { sessionId: sid, command: 'echo moved' })).toMatchObject({
      ok: true,
      value: { output: 'moved\n' },
    });
    const spec = {
      name: 'ab',
      variants: [
        { name: 'a', backends: [{ type: 'node-pty' }] },
        { name: 'b', weight: 0, backends: [{ type: 'node-pty' }] },
      ],
    };
    expect(
      await admin.request('admin.experiments.start', { spec: { ...spec, variants: [spec.variants[0]] } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringContaining('variants') },
    });
    expect(await admin.request('admin.experiments.start', { spec })).toMatchObject({
      ok: true,
      value: { name: 'ab' },
    });
    expect(await admin.request('admin.experiments.update', { name: 'ab', weights: { b: 1 } })).toMatchObject({
      ok: true,
    });
    expect(await admin.request('admin.experiments.list')).toMatchObject({
      ok: true,
      value: [{ name: 'ab', running: true }],
    });
    expect(await admin.request('admin.experiments.stop', { name: 'ab' })).toMatchObject({ ok: true });
    await admin.message('event', (m) => m.name === 'experiment-stopped');
    await admin.message(
      'event',
      (m) => m.name === 'admin-action' && (m.data as { op: string }).op === 'admin.experiments.stop',
    );
    expect(audit.records.map((r) => r.command.split(' ')[0])).toEqual(
      expect.arrayContaining([
        'admin.backends.drain',
        'admin.backends.undrain',
        'admin.backends.swap',
        'admin.experiments.start',
        'admin.experiments.update',
        'admin.experiments.stop',
      ]),
    );
    admin.send({ type: 'subscribe', topic: 'metrics' });
    const snapshot = await admin.message('metrics');
    expect(snapshot.data).toMatchObject({
      health: { status: expect.any(String) },
      backends: [{ id: 'pty' }],
    });
    await admin.close();
  });
});

describe('keepalive and reaping', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServer({
      config: { heartbeat: { intervalMs: 100, timeoutMs: 400 }, sessions: { unattachedGraceMs: 300 } },
    });
  });
  afterAll(() => h.close());

  it('drops a peer that stops answering pings (4008) and reaps a session left alone past the grace', async () => {
    const dead = await h.connect({ autoPong: false });
    await dead.message('hello');
    // The server's close frame reaches a client that only stopped answering pings.
    expect(await dead.closed()).toBe(CLOSE_CODES.HEARTBEAT_TIMEOUT);
    const c = await h.connect();
    const id = ((await c.request('session.create', {})) as { value: { id: string } }).value.id;
    c.send({ type: 'subscribe', topic: 'events' });
    await c.message(
      'event',
      (m) => m.name === 'session-reaped' && (m.data as { sessionId: string }).sessionId === id,
    );
    await c.until(
      () => c.messages.some((m) => m.type === 'event' && m.name === 'session-closed'),
      'the session to end',
    );
    expect(await c.request('session.get', { sessionId: id })).toMatchObject({
      ok: false,
      error: { code: 'SESSION_NOT_FOUND' },
    });
    await c.close();
  });
});
