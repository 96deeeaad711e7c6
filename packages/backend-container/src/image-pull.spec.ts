import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { connectEngine } from './engine-connection';
import { EngineClient } from './engine-client';
import { parseDockerHost } from './engine-endpoint';
import { imageQuery, pullImage, type PullProgressEvent } from './image-pull';

describe('imageQuery', () => {
  it.each([
    ['debian', '/images/create?fromImage=debian&tag=latest'],
    ['debian:12', '/images/create?fromImage=debian%3A12'],
    ['localhost:5000/app', '/images/create?fromImage=localhost%3A5000%2Fapp&tag=latest'],
    ['localhost:5000/app:v1', '/images/create?fromImage=localhost%3A5000%2Fapp%3Av1'],
    ['debian@sha256:abc', '/images/create?fromImage=debian%40sha256%3Aabc'],
  ])('%s pins one tag (never every tag)', (ref, query) => expect(imageQuery(ref)).toBe(query));
});

/** An engine on a unix socket whose pull answers with the given JSON lines, as a stream. */
async function streamingEngine(lines: unknown[]): Promise<{ engine: EngineClient; close(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vth-pull-'));
  const socketPath = path.join(dir, 'engine.sock');
  const server: Server = createServer((req, res) => {
    if (req.url === '/_ping') {
      res.writeHead(200, { 'API-Version': '1.41' }).end('OK');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    // One line per write, the last one split in two: lines must be reassembled across chunks.
    const text = lines.map((l) => `${JSON.stringify(l)}\r\n`);
    const last = text.pop() ?? '';
    for (const line of text) res.write(line);
    res.write(last.slice(0, 5));
    res.end(last.slice(5));
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  const engine = new EngineClient({
    endpoint: parseDockerHost(`unix://${socketPath}`)!,
    timeoutMs: 5000,
    backendId: 't',
  });
  return {
    engine,
    close: async () => {
      engine.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('pullImage', () => {
  it('hands every progress line to the caller, in order, and succeeds when the stream ends cleanly', async () => {
    const lines: PullProgressEvent[] = [
      { status: 'Pulling fs layer', id: 'a' },
      { status: 'Downloading', id: 'a', progressDetail: { current: 5, total: 10 } },
      { status: 'Pull complete', id: 'a' },
      { status: 'Status: Downloaded newer image for x:1' },
    ];
    const fake = await streamingEngine(lines);
    try {
      const seen: PullProgressEvent[] = [];
      const pulled = await pullImage(fake.engine, 'x:1', (e) => seen.push(e));
      expect(pulled).toEqual({ ok: true, value: undefined });
      expect(seen).toEqual(lines);
    } finally {
      await fake.close();
    }
  });

  it('is UNAVAILABLE with the reason when the pull fails part-way (an error line after status 200)', async () => {
    const fake = await streamingEngine([
      { status: 'Pulling fs layer', id: 'a' },
      { errorDetail: { message: 'unexpected EOF' }, error: 'unexpected EOF' },
    ]);
    try {
      const pulled = await pullImage(fake.engine, 'x:1', () => undefined);
      expect(pulled.ok).toBe(false);
      if (!pulled.ok) {
        expect(pulled.error.code).toBe('UNAVAILABLE');
        expect(pulled.error.message).toBe('cannot pull x:1: unexpected EOF');
      }
    } finally {
      await fake.close();
    }
  });

  it('against the real engine: a registry that cannot be reached is UNAVAILABLE naming the image', async () => {
    const connected = await connectEngine({}, { timeoutMs: 10_000, backendId: 't' });
    if (!connected.ok) throw new Error(`no Docker Engine here: ${connected.error.message}`);
    try {
      const pulled = await pullImage(
        connected.value.engine,
        'vth-unreachable.invalid/nothing:1',
        () => undefined,
      );
      expect(pulled.ok).toBe(false);
      if (!pulled.ok) {
        expect(pulled.error.code).toBe('UNAVAILABLE');
        expect(pulled.error.message).toMatch(
          /^cannot pull vth-unreachable\.invalid\/nothing:1: .*vth-unreachable\.invalid/,
        );
      }
    } finally {
      connected.value.engine.close();
    }
  });

  it('refuses a malformed reference without asking the engine', async () => {
    const fake = await streamingEngine([]);
    try {
      const pulled = await pullImage(fake.engine, '-rf /', () => undefined);
      expect(pulled.ok === false && pulled.error.code).toBe('INVALID_INPUT');
    } finally {
      await fake.close();
    }
  });
});
