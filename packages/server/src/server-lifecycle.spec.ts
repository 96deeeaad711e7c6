import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodePtyBackend } from '@vth/backend-node-pty';
import { type AuditSink } from '@vth/security';
import { createServer } from './create-server';
import { startServer, type Harness } from './test-support/server-harness.fixture';

describe('creating a server', () => {
  const backend = new NodePtyBackend();

  it('refuses settings that contradict each other or files it cannot read, naming the path', () => {
    for (const [config, path] of [
      [
        { heartbeat: { intervalMs: 1000, timeoutMs: 1000 } },
        'server.heartbeat.timeoutMs: must be longer than intervalMs',
      ],
      [
        { flow: { highWatermark: 8192, lowWatermark: 8192 } },
        'server.flow.lowWatermark: must be below highWatermark',
      ],
      [
        { tls: { certFile: '/nonexistent/vth.crt', keyFile: '/nonexistent/vth.key' } },
        'server.tls: cannot read',
      ],
    ] as const) {
      const created = createServer({ backend, config });
      expect(created).toMatchObject({ ok: false, error: { code: 'INVALID_CONFIG', dispatched: false } });
      expect(!created.ok && created.error.message).toContain(path);
    }
  });

  it('answers UNAVAILABLE when its port is taken, and serves IPv6 loopback under a bracketed URL', async () => {
    const h = await startServer({ config: { host: '::1' } });
    expect(h.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
    expect((await h.http('GET', '/v1/sessions')).status).toBe(200);
    const port = h.server.config.port === 0 ? Number(new URL(h.url).port) : h.server.config.port;
    const second = createServer({ backend: h.backend, config: { host: '::1', port } });
    if (!second.ok) throw second.error;
    const listening = await second.value.listen();
    expect(listening).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', dispatched: false } });
    expect(!listening.ok && listening.error.message).toContain(`cannot listen on ::1:${port}: `);
    await second.value.close();
    await h.close();
  });
});

describe('a server with config.security (an audit file and a command policy)', () => {
  let h: Harness;
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vth-audit-'));
    file = join(dir, 'audit.jsonl');
    h = await startServer({
      config: { security: { audit: { file, mode: 0o640 }, commands: { preset: 'dangerous' } } },
    });
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a dangerous typed line with INPUT_REFUSED, audits to its own file, and closes that file with it', async () => {
    const c = await h.connect();
    const id = ((await c.request('session.create', {})) as { value: { id: string } }).value.id;
    expect(await c.request('command.execute', { sessionId: id, command: 'echo audited' })).toMatchObject({
      ok: true,
      value: { output: 'audited\n' },
    });
    const w = await c.attach(id, 'writer', 'live');
    if (w.type !== 'attached') throw new Error(JSON.stringify(w));
    c.type(w.channel, 'rm -rf / --no-preserve-root\r');
    const refused = await c.message('error', (m) => m.code === 'INPUT_REFUSED');
    expect(refused).toMatchObject({ channel: w.channel, details: { code: expect.any(String) } });
    await c.close();
    await h.server.close();
    const records = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { command: string; userId: string; outcome: string });
    expect(records).toEqual(
      expect.arrayContaining([expect.objectContaining({ command: 'echo audited', userId: 'local' })]),
    );
    expect(statSync(file).mode & 0o777).toBe(0o640);
  });
});

describe('a server that is closing or whose backend is down', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServer();
  });
  afterAll(() => h.close());

  it('answers /readyz 503 with the backend’s reason once the backend is shut down', async () => {
    expect((await h.http('GET', '/readyz')).status).toBe(200);
    await h.backend.shutdown();
    const r = await h.http('GET', '/readyz');
    expect({ status: r.status, body: r.body }).toEqual({
      status: 503,
      body: { ready: false, status: 'unhealthy', message: 'shut down' },
    });
    const metrics = await h.http('GET', '/v1/admin/metrics');
    expect(metrics.body.value.health).toEqual({ status: 'unhealthy', message: 'shut down' });
  });

  it('while closing (an audit write still pending): /readyz is 503 and an upgrade is dropped', async () => {
    // A slow audit sink (a remote log, say) holds close() after the sockets are closed, before fastify's.
    let release: (() => void) | undefined;
    const slow: AuditSink = { write: () => new Promise<void>((resolve) => (release = resolve)) };
    const closing = await startServer({ audit: slow });
    try {
      const audited = await closing.http('DELETE', '/v1/admin/sessions/nosuch', {
        headers: { 'idempotency-key': 'audited' },
      });
      expect(audited.status).toBe(404);
      expect(release).toBeDefined();
      void closing.server.close();
      const ready = await closing.http('GET', '/readyz');
      expect({ status: ready.status, body: ready.body }).toEqual({
        status: 503,
        body: { ready: false, reason: 'the server is closing' },
      });
      await expect(closing.connect()).rejects.toThrow();
    } finally {
      release?.();
      // The same close() as above (it is made once), now let through; then the backend.
      await closing.close();
    }
  });
});
