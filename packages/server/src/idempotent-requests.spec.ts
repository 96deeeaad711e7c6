import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type Harness } from './test-support/server-harness.fixture';

describe('operations run once per requestId', () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    h = await startServer();
    dir = mkdtempSync(join(tmpdir(), 'vth-server-'));
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a connection dropped in the middle of a command: the retry gets the first result, the command ran once', async () => {
    const watcher = await h.connect();
    watcher.send({ type: 'subscribe', topic: 'events' });
    await watcher.message('subscribed');
    const first = await h.connect();
    const created = await first.request('session.create', {});
    const id = (created as { value: { id: string } }).value.id;
    const file = join(dir, 'ran-once');
    const command = `echo ran >> ${file}; read -t 1 < /dev/zero; echo finished`;
    first.send({
      type: 'request',
      requestId: 'drop-1',
      op: 'command.execute',
      params: { sessionId: id, command, stream: true },
    });
    // The command has started in the shell: now the network fails.
    await watcher.message(
      'event',
      (m) => m.name === 'command-started' && (m.data as { requestId?: string }).requestId === 'drop-1',
    );
    first.kill();
    const second = await h.connect();
    const retry = await second.request('command.execute', { sessionId: id, command, stream: true }, 'drop-1');
    expect(retry).toMatchObject({
      ok: true,
      value: { status: 'completed', exitCode: 0, output: 'finished\n' },
    });
    // Once more after it finished: the same answer at once, still one run.
    const again = await second.request('command.execute', { sessionId: id, command }, 'drop-1');
    expect(again).toMatchObject({ ok: true, value: { id: (retry as { value: { id: string } }).value.id } });
    expect(readFileSync(file, 'utf8')).toBe('ran\n');
    const started = watcher.messages.filter(
      (m) =>
        m.type === 'event' &&
        m.name === 'command-started' &&
        (m.data as { command: string }).command.includes(file),
    );
    expect(started).toHaveLength(1);
    // The same id for another request is refused, and runs nothing.
    const other = await second.request(
      'command.execute',
      { sessionId: id, command: `echo ran >> ${file}` },
      'drop-1',
    );
    expect(other).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', dispatched: false } });
    expect(readFileSync(file, 'utf8')).toBe('ran\n');
    await Promise.all([watcher.close(), second.close()]);
  });

  it('over HTTP: the Idempotency-Key makes concurrent and later retries answer the first result', async () => {
    const created = await h.http('POST', '/v1/sessions', {
      body: { options: { cwd: dir } },
      headers: { 'idempotency-key': 'create-1' },
    });
    expect(created.status).toBe(200);
    const again = await h.http('POST', '/v1/sessions', {
      body: { options: { cwd: dir } },
      headers: { 'idempotency-key': 'create-1' },
    });
    expect(again.body.value.id).toBe(created.body.value.id);
    const id = created.body.value.id as string;
    const exec = () =>
      h.http('POST', `/v1/sessions/${id}/execute`, {
        body: { command: 'echo x >> http-once; wc -l < http-once' },
        headers: { 'idempotency-key': 'exec-1' },
      });
    const [a, b] = await Promise.all([exec(), exec()]);
    const c = await exec();
    for (const r of [a, b, c]) expect(r.body).toMatchObject({ ok: true, value: { output: '1\n' } });
    expect(readFileSync(join(dir, 'http-once'), 'utf8')).toBe('x\n');
    const missing = await h.http('POST', `/v1/sessions/${id}/execute`, { body: { command: 'true' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/request id/);
  });

  it('streams output before the result, over the socket and as NDJSON over HTTP', async () => {
    const c = await h.connect();
    const id = ((await c.request('session.create', {})) as { value: { id: string } }).value.id;
    c.send({
      type: 'request',
      requestId: 'stream-1',
      op: 'command.execute',
      params: { sessionId: id, command: 'for i in 1 2 3; do echo "chunk $i"; done', stream: true },
    });
    const result = await c.message('result', (m) => m.requestId === 'stream-1');
    const streamed = c.messages
      .filter((m) => m.type === 'output' && m.requestId === 'stream-1')
      .map((m) => (m as { data: string }).data)
      .join('');
    expect(streamed).toBe('chunk 1\nchunk 2\nchunk 3\n');
    expect(c.messages.indexOf(result)).toBeGreaterThan(c.messages.findIndex((m) => m.type === 'output'));
    const http = await h.http('POST', `/v1/sessions/${id}/execute`, {
      body: { command: 'echo one; echo two', stream: true, requestId: 'stream-2' },
    });
    expect(http.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = http.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; data?: string; ok?: boolean });
    expect(
      lines
        .filter((l) => l.type === 'output')
        .map((l) => l.data)
        .join(''),
    ).toBe('one\ntwo\n');
    expect(lines[lines.length - 1]).toMatchObject({ type: 'result', ok: true });
    await c.close();
  });
});
