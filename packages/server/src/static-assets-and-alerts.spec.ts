import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from './create-server';
import { type AlertFeed } from './observability/alert-feed';
import { startServer, TOKENS, USERS_CONFIG, type Harness } from './test-support/server-harness.fixture';

/** An alert source of the shape `@vth/alerting`'s engine has (the engine itself runs in the dashboard's browser tests). */
class ListFeed extends EventEmitter implements AlertFeed {
  readonly firing: Array<Record<string, unknown>> = [];
  readonly done: Array<Record<string, unknown>> = [];
  active() {
    return this.firing;
  }
  resolved(limit = 100) {
    return this.done.slice(0, limit);
  }
}

/** A GET with the path sent exactly as written (fetch would normalise `..` away). */
function rawGet(
  url: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static assets and alerts', () => {
  let h: Harness;
  let dir: string;
  const feed = new ListFeed();
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vth-assets-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>vth</title>');
    writeFileSync(join(dir, 'app.js'), 'console.log(1)');
    writeFileSync(join(dir, '.secret'), 'hidden');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'a.css'), 'body{}');
    writeFileSync(join(dir, '..', `${dir.split('/').pop()}-outside.txt`), 'outside');
    h = await startServer({
      backend: 'manager',
      config: { auth: USERS_CONFIG },
      staticAssets: { dir },
      alerts: feed,
    });
  });
  afterAll(async () => {
    await h.close();
    rmSync(`${dir}-outside.txt`, { force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the files without a token, with a strict content policy; the API still needs one', async () => {
    const page = await h.http('GET', '/dashboard/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>vth</title>');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect((await h.http('GET', '/dashboard/app.js')).headers.get('content-type')).toMatch(
      /^text\/javascript/,
    );
    expect((await h.http('GET', '/dashboard/sub/a.css')).text).toBe('body{}');
    const bare = await fetch(`${h.url}/dashboard`, { redirect: 'manual' });
    expect([bare.status, bare.headers.get('location')]).toEqual([302, '/dashboard/']);
    expect((await h.http('GET', '/v1/sessions')).status).toBe(401);
    expect((await h.http('GET', '/v1/admin/alerts')).status).toBe(401);
    // The Host and Origin checks still apply to the assets (fetch cannot set Host: a raw request).
    expect((await rawGet(h.url, '/dashboard/', { host: 'evil.example' })).status).toBe(403);
    expect((await rawGet(h.url, '/dashboard/', { origin: 'http://evil.example' })).status).toBe(403);
  });

  it('serves nothing outside the directory, no dot files, no directories', async () => {
    const outside = `${dir.split('/').pop()}-outside.txt`;
    for (const path of [
      `/dashboard/../${outside}`,
      `/dashboard/%2e%2e/${outside}`,
      `/dashboard/..%2f${outside}`,
      '/dashboard/.secret',
      '/dashboard/sub',
      '/dashboard/missing.js',
    ]) {
      const r = await rawGet(h.url, path);
      expect([path, r.status]).toEqual([path, 404]);
      expect(r.body).not.toContain('outside');
      expect(r.body).not.toContain('hidden');
    }
  });

  it('refuses a path where the API lives', () => {
    for (const path of ['/', '/v1', '/v1/x', '/a b']) {
      const created = createServer({ backend: h.backend, staticAssets: { dir, path } });
      expect(created.ok ? 'ok' : created.error.code).toBe('INVALID_CONFIG');
    }
  });

  it('lists alerts for admins only and streams firings and resolutions to admins only', async () => {
    const admin = await h.connect({ token: TOKENS.root });
    const user = await h.connect({ token: TOKENS.alice });
    for (const c of [admin, user]) {
      c.send({ type: 'subscribe', topic: 'events' });
      await c.message('subscribed');
    }
    const alert = { id: 'alert-1', rule: 'backend-unhealthy', state: 'firing', summary: 'pty unhealthy' };
    feed.firing.push(alert);
    feed.emit('alert-fired', alert);
    const listed = await h.http('GET', '/v1/admin/alerts', { token: TOKENS.root });
    expect(listed.body).toEqual({ ok: true, value: { active: [alert], resolved: [] } });
    expect((await h.http('GET', '/v1/admin/alerts', { token: TOKENS.alice })).status).toBe(403);
    const fired = await admin.message('event', (m) => m.name === 'alert-fired');
    expect(fired.data).toEqual(alert);
    const resolved = { ...alert, state: 'resolved', resolution: 'clear for 1 s' };
    feed.firing.length = 0;
    feed.done.unshift(resolved);
    feed.emit('alert-resolved', resolved);
    await admin.message('event', (m) => m.name === 'alert-resolved');
    expect((await h.http('GET', '/v1/admin/alerts?limit=5', { token: TOKENS.root })).body.value).toEqual({
      active: [],
      resolved: [resolved],
    });
    // The user saw neither (a ping answered after both proves the stream went past them).
    user.send({ type: 'ping', t: 7 });
    await user.message('pong', (m) => m.t === 7);
    expect(user.messages.filter((m) => m.type === 'event' && m.name.startsWith('alert-'))).toEqual([]);
    await admin.close();
    await user.close();
  });
});
