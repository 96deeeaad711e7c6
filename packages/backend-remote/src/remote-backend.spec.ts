import { hashToken } from '@vth/server';
import { expectOk, pollUntil } from '@vth/testkit';
import { Backoff } from './backoff';
import { closeError } from './close-errors';
import { RemoteBackend } from './remote-backend';
import { startRemoteServer } from './test-support/remote-server.fixture';
import { RewritingRelay } from './test-support/rewriting-relay.fixture';

const TOKEN = 'remote-spec-token-0123456789';

describe('remote backend: refusals are typed', () => {
  it('a token the server refuses (close 4001) fails initialize INVALID_CONFIG naming the token; the right one works', async () => {
    const remote = await startRemoteServer({
      config: { auth: { tokens: [{ id: 't', userId: 'u', role: 'user', sha256: hashToken(TOKEN) }] } },
    });
    try {
      for (const token of [undefined, 'wrong-token-0123456789']) {
        const backend = new RemoteBackend({ url: remote.url, ...(token ? { token } : {}) });
        const init = await backend.initialize({});
        await backend.shutdown();
        expect(!init.ok && init.error.code).toBe('INVALID_CONFIG');
        expect(!init.ok && init.error.message).toContain('config.token');
      }
      const backend = new RemoteBackend({ url: remote.url, token: TOKEN });
      try {
        expectOk(await backend.initialize({}));
        const s = expectOk(await backend.createSession());
        expect(expectOk(await backend.executeCommand(s.id, 'echo ok')).output).toBe('ok\n');
      } finally {
        await backend.shutdown();
      }
    } finally {
      await remote.close();
    }
  }, 30_000);

  it('a server that is not there fails initialize UNAVAILABLE within connectTimeoutMs', async () => {
    const backend = new RemoteBackend({ url: 'http://127.0.0.1:1', connectTimeoutMs: 300 });
    const init = await backend.initialize({});
    await backend.shutdown();
    expect(!init.ok && { code: init.error.code, dispatched: init.error.dispatched }).toEqual({
      code: 'UNAVAILABLE',
      dispatched: false,
    });
  });

  it('maps the close codes: 4005 UNSUPPORTED, 4003 FORBIDDEN, 4001 later FORBIDDEN, 4013 UNAVAILABLE', () => {
    expect(closeError(4005, '', 'b', false).code).toBe('UNSUPPORTED');
    expect(closeError(4003, '', 'b', true).code).toBe('FORBIDDEN');
    expect(closeError(4001, '', 'b', false).code).toBe('FORBIDDEN');
    expect(closeError(4013, 'busy', 'b', false)).toMatchObject({ code: 'UNAVAILABLE', dispatched: false });
  });

  it('an invalid config answers INVALID_CONFIG naming the path', async () => {
    const backend = new RemoteBackend();
    const init = await backend.initialize({ url: 'ftp://x', heartbeat: { intervalMs: 0 } });
    await backend.shutdown();
    expect(!init.ok && init.error.code).toBe('INVALID_CONFIG');
    expect(!init.ok && init.error.message).toMatch(/url[\s\S]*heartbeat\.intervalMs/);
  });
});

describe('Backoff', () => {
  it('waits up to initial * 2^n, capped, with full jitter', () => {
    const top = new Backoff({ initialDelayMs: 50, maxDelayMs: 300 }, () => 1);
    expect([1, 2, 3, 4, 5].map(() => top.next())).toEqual([50, 100, 200, 300, 300]);
    top.reset();
    expect(top.next()).toBe(50);
    const bottom = new Backoff({ initialDelayMs: 50, maxDelayMs: 300 }, () => 0);
    expect(bottom.next()).toBe(0);
  });
});

describe('remote backend: shutdown', () => {
  it('resolves once its socket and timers are gone', async () => {
    const remote = await startRemoteServer();
    try {
      const count = () => {
        const info = process.getActiveResourcesInfo();
        return {
          sockets: info.filter((r) => r === 'TCPSocketWrap').length,
          timers: info.filter((r) => r === 'Timeout').length,
        };
      };
      const before = count();
      const backend = new RemoteBackend({ url: remote.url });
      expectOk(await backend.initialize({}));
      const s = expectOk(await backend.createSession());
      expectOk(await backend.executeCommand(s.id, 'true'));
      expect(count().sockets).toBeGreaterThan(before.sockets);
      await backend.shutdown();
      // The server's side of the socket closes a moment later; ours is gone when shutdown resolves.
      const after = await pollUntil(count, (c) => c.sockets <= before.sockets && c.timers <= before.timers, {
        timeoutMs: 5000,
      });
      expect(after.sockets).toBeLessThanOrEqual(before.sockets);
      expect(after.timers).toBeLessThanOrEqual(before.timers);
      const listed = expectOk(await remote.backend.listSessions());
      expect(listed.map((x) => x.id)).not.toContain(s.id);
    } finally {
      await remote.close();
    }
  }, 30_000);
});

describe('remote backend: a server that answers with a malformed result', () => {
  it('ends that call at once with INTERNAL, dispatched, and the session goes on', async () => {
    const remote = await startRemoteServer();
    // Every result of a command that printed "poison" loses its shape on the way to the client.
    const relay = await new RewritingRelay(remote.url.replace(/^http/, 'ws'), (text) =>
      text.includes('"type":"result"') && text.includes('poison')
        ? text.replace('"ok":true', '"ok":"maybe"')
        : text,
    ).start();
    const backend = new RemoteBackend({ url: relay.url });
    try {
      expectOk(await backend.initialize({}));
      const s = expectOk(await backend.createSession());
      const poisoned = await backend.executeCommand(s.id, 'echo poison');
      expect(!poisoned.ok && poisoned.error).toMatchObject({ code: 'INTERNAL', dispatched: true });
      expect(!poisoned.ok && poisoned.error.message).toContain('command.execute with a malformed result');
      expect(expectOk(await backend.executeCommand(s.id, 'echo fine')).output).toBe('fine\n');
    } finally {
      await backend.shutdown();
      await relay.close();
      await remote.close();
    }
  }, 30_000);
});
