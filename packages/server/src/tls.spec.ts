import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLOSE_CODES } from '@vth/protocol';
import { startServer, TOKENS, USERS_CONFIG, type Harness } from './test-support/server-harness.fixture';

/** A GET answered with its status, or the error that stopped it (`ca`: trust this certificate). */
function get(url: string, token: string, ca?: string): Promise<number | string> {
  return new Promise((resolve) => {
    const request = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = request(
      url,
      { headers: { authorization: `Bearer ${token}` }, ...(ca ? { ca } : {}) },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.end();
  });
}

describe('TLS (a self-signed certificate made for the test)', () => {
  let h: Harness;
  let dir: string;
  let cert: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vth-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    h = await startServer({
      config: { tls: { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') }, auth: USERS_CONFIG },
    });
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS with the configured certificate, and nothing in clear', async () => {
    expect(h.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await get(`${h.url}/v1/sessions`, TOKENS.alice, cert)).toBe(200);
    expect(await get(`${h.url}/v1/sessions`, 'wrong', cert)).toBe(401);
    // Without trusting the certificate, a client refuses it: it is really this self-signed one.
    expect(await get(`${h.url}/healthz`, TOKENS.alice)).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(await get(`${h.url.replace('https:', 'http:')}/healthz`, TOKENS.alice)).not.toBe(200);
  });

  it('serves WSS: a client runs a command and types into a terminal over TLS; the https origin is its own', async () => {
    const c = await h.connect({ token: TOKENS.alice, ca: cert, origin: h.url });
    expect(c.ws.url).toMatch(/^wss:/);
    expect(await c.message('hello')).toMatchObject({ user: { id: 'alice' } });
    const created = await c.request('session.create', {});
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const id = (created.value as { id: string }).id;
    expect(
      await c.request('command.execute', { sessionId: id, command: 'echo over-$((6*7))' }),
    ).toMatchObject({
      ok: true,
      value: { output: 'over-42\n' },
    });
    const attached = await c.attach(id, 'writer', 'live');
    if (attached.type !== 'attached') throw new Error(JSON.stringify(attached));
    c.type(attached.channel, 'echo typed-$((6*7))\r');
    await c.until(() => c.text(attached.channel).includes('typed-42'), 'the typed command over WSS');
    expect(c.invalid).toEqual([]);
    const clear = await h.connect({
      token: TOKENS.alice,
      ca: cert,
      origin: h.url.replace('https:', 'http:'),
    });
    expect(await clear.closed()).toBe(CLOSE_CODES.FORBIDDEN);
    await c.close();
  });
});
