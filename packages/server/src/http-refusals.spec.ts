import { startServer, TOKENS, USERS_CONFIG, type Harness } from './test-support/server-harness.fixture';

const DASHBOARD = 'http://dash.example:8080';

describe('the HTTP API refuses what a client gets wrong, with a typed error and a status', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServer({
      config: {
        auth: { ...USERS_CONFIG, allowedOrigins: [DASHBOARD] },
        limits: { maxMessageBytes: 4096 },
      },
    });
  });
  afterAll(() => h.close());

  const asAlice = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    h.http(method, path, { token: TOKENS.alice, headers, ...(body === undefined ? {} : { body }) });

  it('bodies that are not a JSON object, or not JSON, or too big: 400/413/415, nothing created', async () => {
    const key = { 'idempotency-key': 'body-1' };
    for (const body of ['[]', '"text"', '42']) {
      const r = await asAlice('POST', '/v1/sessions', body, key);
      expect({ status: r.status, body: r.body }).toEqual({
        status: 400,
        body: {
          ok: false,
          error: { code: 'INVALID_INPUT', message: 'the body must be a JSON object', dispatched: false },
        },
      });
    }
    const broken = await asAlice('POST', '/v1/sessions', '{"options": ', key);
    expect(broken.status).toBe(400);
    expect(broken.body.error).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/JSON/),
    });
    const big = await asAlice('POST', '/v1/sessions', { options: { env: { PAD: 'x'.repeat(5000) } } }, key);
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('INVALID_INPUT');
    // Plain text is read as a string (not an object); a type fastify has no parser for is 415.
    const text = await asAlice('POST', '/v1/sessions', 'hello', { ...key, 'content-type': 'text/plain' });
    expect(text.body.error.message).toBe('the body must be a JSON object');
    const xml = await asAlice('POST', '/v1/sessions', '<a/>', { ...key, 'content-type': 'application/xml' });
    expect(xml.status).toBe(415);
    expect(xml.body.error.code).toBe('INVALID_INPUT');
    expect((await asAlice('GET', '/v1/sessions')).body).toEqual({ ok: true, value: [] });
  });

  it('a mutating call without a request id, or with a bad one, is refused before it runs', async () => {
    const none = await asAlice('POST', '/v1/sessions', {});
    expect(none.status).toBe(400);
    expect(none.body.error.message).toBe(
      'session.create changes something: give a request id (Idempotency-Key header, or requestId)',
    );
    const long = await asAlice('POST', '/v1/sessions', {}, { 'idempotency-key': 'k'.repeat(129) });
    expect(long.status).toBe(400);
    expect(long.body.error.message).toBe('invalid request id: must be at most 128 characters');
    const inBody = await asAlice('POST', '/v1/sessions', { requestId: 7 });
    expect(inBody.status).toBe(400);
    expect(inBody.body.error.message).toMatch(/^invalid request id: /);
    expect((await asAlice('GET', '/v1/sessions')).body).toEqual({ ok: true, value: [] });
  });

  it('parameters an operation does not take are named; an unknown route is a 404', async () => {
    const extra = await asAlice('GET', '/v1/sessions?verbose=true&depth=3&quiet=false&name=x');
    expect(extra.status).toBe(400);
    expect(extra.body.error).toMatchObject({ code: 'INVALID_INPUT', dispatched: false });
    expect(extra.body.error.details.issues.join('\n')).toMatch(/verbose/);
    const nowhere = await asAlice('GET', '/v1/nowhere?x=1');
    expect({ status: nowhere.status, error: nowhere.body.error }).toEqual({
      status: 404,
      error: { code: 'INVALID_INPUT', message: 'no route GET /v1/nowhere', dispatched: false },
    });
  });

  it('reads numbers and the request id from the query string (capture lines, destroy by query)', async () => {
    const created = await asAlice('POST', '/v1/sessions', {}, { 'idempotency-key': 'q-create' });
    const id = created.body.value.id as string;
    const run = await asAlice('POST', `/v1/sessions/${id}/execute`, {
      command: 'printf "one\\ntwo\\nthree\\n"',
      requestId: 'q-exec',
    });
    expect(run.body.value.output).toBe('one\ntwo\nthree\n');
    const captured = await asAlice('GET', `/v1/sessions/${id}/capture?lines=2`);
    expect(captured.status).toBe(200);
    expect(captured.body.value.trim().split('\n').length).toBeLessThanOrEqual(2);
    const destroy = () => asAlice('DELETE', `/v1/sessions/${id}?requestId=q-destroy`);
    expect((await destroy()).body).toEqual({ ok: true, value: null });
    // The retry is answered from the ledger, not by destroying a session that is gone.
    expect((await destroy()).body).toEqual({ ok: true, value: null });
    expect((await asAlice('GET', `/v1/sessions/${id}`)).status).toBe(404);
  });

  it('answers an allowed origin with CORS headers and its preflight with 204; another origin gets 403', async () => {
    const preflight = await h.http('OPTIONS', '/v1/sessions', {
      headers: { origin: DASHBOARD, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('idempotency-key');
    const get = await asAlice('GET', '/v1/sessions', undefined, { origin: DASHBOARD });
    expect(get.status).toBe(200);
    expect(get.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
    expect(get.headers.get('vary')).toContain('Origin');
    const other = await asAlice('GET', '/v1/sessions', undefined, { origin: 'http://dash.example:9090' });
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const otherPreflight = await h.http('OPTIONS', '/v1/sessions', {
      headers: { origin: 'http://dash.example:9090' },
    });
    expect(otherPreflight.status).toBe(403);
  });

  it('a streamed call that fails still answers 200 NDJSON, ending with the failed result line', async () => {
    const r = await asAlice('POST', '/v1/sessions/nosuch/execute', {
      command: 'true',
      stream: true,
      requestId: 'stream-fail',
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('application/x-ndjson');
    expect(
      r.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
      {
        type: 'result',
        ok: false,
        error: expect.objectContaining({ code: 'SESSION_NOT_FOUND', message: 'no session "nosuch"' }),
      },
    ]);
  });
});

describe('HTTP rate limits and public metrics', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServer({
      config: {
        auth: USERS_CONFIG,
        metrics: { public: true, processMetrics: false },
        security: { rateLimit: { perUser: { capacity: 2, refillPerSecond: 0.01 } } },
      },
    });
  });
  afterAll(() => h.close());

  it('answers a rate-limited call 429 with Retry-After in seconds', async () => {
    const created = await h.http('POST', '/v1/sessions', {
      token: TOKENS.bob,
      body: {},
      headers: { 'idempotency-key': 'rl-create' },
    });
    const id = created.body.value.id as string;
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<Harness['http']>> | undefined;
    for (let i = 0; i < 4 && !limited; i++) {
      const r = await h.http('POST', `/v1/sessions/${id}/execute`, {
        token: TOKENS.bob,
        body: { command: 'true', requestId: `rl-${i}` },
      });
      statuses.push(r.status);
      if (r.status === 429) limited = r;
    }
    expect(limited?.body.error).toMatchObject({
      code: 'RATE_LIMITED',
      details: { retryAfterMs: expect.any(Number) },
    });
    const seconds = Number(limited?.headers.get('retry-after'));
    expect(seconds).toBe(Math.ceil((limited?.body.error.details.retryAfterMs as number) / 1000));
    expect(seconds).toBeGreaterThanOrEqual(1);
    // Alice has her own bucket.
    expect((await h.http('GET', '/v1/sessions', { token: TOKENS.alice })).status).toBe(200);
  });

  it('serves /metrics without a token when metrics.public, without process metrics when turned off', async () => {
    const anonymous = await h.http('GET', '/metrics');
    expect(anonymous.status).toBe(200);
    expect(anonymous.text).toContain('vth_server_connections');
    expect(anonymous.text).not.toContain('vth_process_');
    expect((await h.http('GET', '/metrics', { token: 'not-a-token' })).status).toBe(200);
    // Public does not open the API.
    expect((await h.http('GET', '/v1/sessions')).status).toBe(401);
  });
});
