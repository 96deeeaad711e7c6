import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { type HealthChangedEvent, type OutputEvent, type SessionClosedEvent } from '@vth/core';
import { expectOk, pollUntil, watchOutput } from '@vth/testkit';
import { RemoteBackend } from './remote-backend';
import { FreezableProxy } from './test-support/freezable-proxy.fixture';
import { startRemoteServer, type RemoteServer } from './test-support/remote-server.fixture';
import { until } from './test-support/until-defined.fixture';

/** The numbers `seq 1 n` prints, found in a terminal stream (marks, prompts and `\r` ignored). */
function numbersIn(stream: string): number[] {
  return stream
    .replace(/\r/g, '')
    .split('\n')
    .filter((line) => /^\d+$/.test(line))
    .map(Number);
}

describe('remote backend: connection loss is not session loss', () => {
  let remote: RemoteServer;
  let proxy: FreezableProxy;
  let backend: RemoteBackend;
  let health: HealthChangedEvent[];

  beforeEach(async () => {
    remote = await startRemoteServer();
    proxy = await new FreezableProxy(remote.port).start();
    backend = new RemoteBackend({ url: proxy.url, graceMs: 60_000 });
    health = [];
    backend.on('health-changed', (e) => health.push(e));
    expectOk(await backend.initialize({}));
  }, 30_000);

  afterEach(async () => {
    await backend.shutdown();
    await proxy.close();
    await remote.close();
  }, 30_000);

  const lostAndBack = () =>
    until(() => {
      const states = health.map((e) => e.current.status);
      const lost = states.indexOf('degraded');
      return lost >= 0 && states.indexOf('healthy', lost) > lost ? true : undefined;
    });

  it('output events continue from the last byte across a forced drop: no byte lost or repeated', async () => {
    const s = expectOk(await backend.createSession());
    const chunks: string[] = [];
    backend.on('output', (e: OutputEvent) => {
      if (e.sessionId === s.id) chunks.push(e.data);
    });
    const n = 200_000;
    const watch = watchOutput();
    const run = backend.executeCommand(s.id, `seq 1 ${n}`, undefined, { onOutput: watch.onOutput });
    await watch.waitFor('\n', 20_000);
    proxy.drop();
    const execution = expectOk(await run);
    expect(numbersIn(execution.output)).toHaveLength(n);
    await lostAndBack();
    const seen = await pollUntil(
      () => numbersIn(chunks.join('')),
      (nums) => nums.length >= n,
      { timeoutMs: 20_000 },
    );
    expect(seen.length).toBe(n);
    expect(seen.every((v, i) => v === i + 1)).toBe(true);
  });

  it('a command in flight when the connection drops runs once: its retry is answered from the server', async () => {
    const s = expectOk(await backend.createSession());
    const file = `/tmp/vth-remote-once-${randomBytes(6).toString('hex')}`;
    try {
      const watch = watchOutput();
      const run = backend.executeCommand(
        s.id,
        `echo started; sleep 0.5; echo ran >> ${file}; echo done`,
        undefined,
        {
          onOutput: watch.onOutput,
        },
      );
      await watch.waitFor('started', 20_000);
      proxy.drop();
      const execution = expectOk(await run);
      expect(execution.output).toBe('started\ndone\n');
      expect(execution.exitCode).toBe(0);
      await lostAndBack();
      expect(readFileSync(file, 'utf8')).toBe('ran\n');
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('finds a half-open connection (the peer vanished without a FIN) by heartbeat, and resumes once it answers', async () => {
    const s = expectOk(await backend.createSession());
    const watch = watchOutput();
    const run = backend.executeCommand(s.id, 'echo a; sleep 0.3; echo b', undefined, {
      onOutput: watch.onOutput,
    });
    await watch.waitFor('a', 20_000);
    proxy.freeze();
    await until(() => (backend.connection === 'reconnecting' ? true : undefined));
    expect((await backend.getHealth()).status).toBe('degraded');
    proxy.thaw();
    expect(expectOk(await run).output).toBe('a\nb\n');
    await until(() => (backend.connection === 'open' ? true : undefined));
    expect(expectOk(await backend.executeCommand(s.id, 'echo after')).output).toBe('after\n');
  });
});

describe('remote backend: a server out of reach past the grace', () => {
  it('ends its sessions (crashed), fails the call in flight BACKEND_CRASHED (dispatched), refuses new ones, and recovers when the server is back', async () => {
    const remote = await startRemoteServer();
    const proxy = await new FreezableProxy(remote.port).start();
    const backend = new RemoteBackend({ url: proxy.url, graceMs: 300 });
    try {
      expectOk(await backend.initialize({}));
      const s = expectOk(await backend.createSession());
      const closed: SessionClosedEvent[] = [];
      backend.on('session-closed', (e) => closed.push(e));
      const watch = watchOutput();
      const run = backend.executeCommand(s.id, 'echo started; sleep 30', undefined, {
        onOutput: watch.onOutput,
      });
      await watch.waitFor('started', 20_000);
      proxy.freeze();
      const failed = await run;
      expect(!failed.ok && { code: failed.error.code, dispatched: failed.error.dispatched }).toEqual({
        code: 'BACKEND_CRASHED',
        dispatched: true,
      });
      expect(closed).toEqual([{ sessionId: s.id, reason: 'crashed' }]);
      expect((await backend.getHealth()).status).toBe('unhealthy');
      const refused = await backend.createSession();
      expect(!refused.ok && { code: refused.error.code, dispatched: refused.error.dispatched }).toEqual({
        code: 'UNAVAILABLE',
        dispatched: false,
      });
      proxy.thaw();
      await until(() => (backend.connection === 'open' ? true : undefined));
      expect((await backend.getHealth()).status).toBe('healthy');
      // The session it gave up on is not left running on the server.
      const left = await pollUntil(
        async () => {
          const listed = await remote.backend.listSessions();
          return listed.ok ? listed.value.filter((x) => x.id === s.id) : [s];
        },
        (l) => l.length === 0,
        { timeoutMs: 20_000 },
      );
      expect(left).toEqual([]);
    } finally {
      await backend.shutdown();
      await proxy.close();
      await remote.close();
    }
  }, 60_000);
});
