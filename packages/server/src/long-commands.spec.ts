import { startServer, TOKENS, USERS_CONFIG, type Harness } from './test-support/server-harness.fixture';

const DEV_SERVER =
  "printf 'starting\\n'; sleep 0.3; printf 'ready\\n'; while :; do printf 'tick\\n'; sleep 0.1; done";

interface Output {
  status: string;
  output: string;
  offset: number;
  nextOffset: number;
  skippedBytes: number;
  exitCode: number | null;
  reason?: string;
}

let key = 0;
const idempotent = () => ({ 'idempotency-key': `long-${Date.now()}-${++key}` });

describe.each(['manager', 'tmux'] as const)('long commands over vth.v1 (%s)', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServer({ backend: kind, config: { auth: USERS_CONFIG } });
  });
  afterAll(() => h.close());

  /** An HTTP call as alice (or `token`), answering the body's value or throwing its error. */
  async function call<T>(method: string, path: string, body?: unknown, token = TOKENS.alice) {
    const r = await h.http(method, path, {
      token,
      ...(body === undefined ? {} : { body }),
      ...(method === 'POST' || method === 'DELETE' ? { headers: idempotent() } : {}),
    });
    return r as { status: number; body: { ok: boolean; value: T; error: { code: string; message: string } } };
  }
  const commandPath = (handle: string, what: 'output' | 'wait') =>
    `/v1/commands/${encodeURIComponent(handle)}/${what}`;

  it('HTTP: a dev server yields a handle; wait finds "ready"; output reads on without replay; only its owner sees it', async () => {
    const session = (await call<{ id: string }>('POST', '/v1/sessions', {})).body.value.id;
    const run = await call<{ status: string; handle: string; nextOffset: number }>(
      'POST',
      `/v1/sessions/${session}/execute`,
      { command: DEV_SERVER, yieldAfterMs: 200 },
    );
    expect(run.body.value).toMatchObject({
      status: 'running',
      handle: expect.stringMatching(`^${session}:`),
    });
    const handle = run.body.value.handle;
    const ready = await call<Output>('POST', commandPath(handle, 'wait'), {
      pattern: 'ready\\n',
      timeoutMs: 10_000,
    });
    expect(ready.body.value).toMatchObject({ reason: 'pattern', status: 'running' });
    let offset = ready.body.value.nextOffset;
    for (let i = 0; i < 2; i++) {
      const next = await call<Output>(
        'GET',
        `${commandPath(handle, 'output')}?sinceOffset=${offset}&waitMs=5000`,
      );
      expect(next.body.value).toMatchObject({ offset, skippedBytes: 0, status: 'running' });
      expect(next.body.value.output).toMatch(/^(tick\n)+$/);
      offset = next.body.value.nextOffset;
    }
    // Another user's handle answers exactly as a session that does not exist.
    const bobs = await call<Output>('GET', commandPath(handle, 'output'), undefined, TOKENS.bob);
    const missing = await call<Output>('GET', commandPath(`nosuch:0:${handle.split(':')[2]}`, 'output'));
    expect({ status: bobs.status, code: bobs.body.error.code }).toEqual({
      status: 404,
      code: 'SESSION_NOT_FOUND',
    });
    expect(bobs.body.error.message.replace(session, 'X')).toBe(
      missing.body.error.message.replace('nosuch', 'X'),
    );
    const busy = await call('POST', `/v1/sessions/${session}/execute`, { command: 'echo hi' });
    expect(busy.status).toBe(409);
    expect(busy.body.error).toMatchObject({ code: 'BUSY', details: { handle } });
    const bad = await call('POST', commandPath(handle, 'wait'), { timeoutMs: 100 });
    expect({ status: bad.status, code: bad.body.error.code }).toEqual({ status: 400, code: 'INVALID_INPUT' });
    const unknown = await call('GET', commandPath(`${session}:${handle.split(':')[1]}:nope`, 'output'));
    expect({ status: unknown.status, code: unknown.body.error.code }).toEqual({
      status: 404,
      code: 'COMMAND_NOT_FOUND',
    });
    expect((await call('POST', `/v1/sessions/${session}/interrupt`, {})).status).toBe(200);
    const ended = await call<Output>('POST', commandPath(handle, 'wait'), { exit: true, timeoutMs: 10_000 });
    expect(ended.body.value).toMatchObject({ reason: 'exit', status: 'interrupted' });
    const doc = (await h.http('GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    expect(doc.paths['/v1/commands/{handle}/output']?.get?.operationId).toBe('command.read');
    expect(doc.paths['/v1/commands/{handle}/wait']?.post?.operationId).toBe('command.wait');
  });

  it('WebSocket: a question asked mid-way is answered through session.input; the rest is read to the end', async () => {
    const c = await h.connect({ token: TOKENS.alice });
    const created = await c.request('session.create', {});
    const session = (created as { value: { id: string } }).value.id;
    const run = (await c.request('command.execute', {
      sessionId: session,
      command: `read -r -p 'Continue? ' answer; echo "answer:$answer"`,
      yieldAfterMs: 200,
    })) as { ok: boolean; value: { status: string; handle: string } };
    expect(run.value.status).toBe('running');
    const asked = (await c.request('command.wait', {
      handle: run.value.handle,
      pattern: 'Continue\\? $',
      timeoutMs: 10_000,
    })) as { value: Output };
    expect(asked.value.reason).toBe('pattern');
    expect((await c.request('session.input', { sessionId: session, data: 'yes\n' })).ok).toBe(true);
    await c.request('command.wait', { handle: run.value.handle, exit: true, timeoutMs: 10_000 });
    const rest = (await c.request('command.read', {
      handle: run.value.handle,
      sinceOffset: asked.value.nextOffset,
    })) as { value: Output };
    expect(rest.value).toMatchObject({ output: 'answer:yes\n', status: 'completed', exitCode: 0 });
    await c.close();
  });
});
