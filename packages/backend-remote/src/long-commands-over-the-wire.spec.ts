import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { type CommandExecution, type SessionClosedEvent } from '@vth/core';
import { expectFailure, expectOk, pollUntil, watchOutput } from '@vth/testkit';
import { RemoteBackend } from './remote-backend';
import { FreezableProxy } from './test-support/freezable-proxy.fixture';
import { startRemoteServer, type RemoteServer } from './test-support/remote-server.fixture';
import { until } from './test-support/until-defined.fixture';

describe('remote backend: long commands across connection loss', () => {
  let remote: RemoteServer;
  let proxy: FreezableProxy;
  let backend: RemoteBackend;

  beforeEach(async () => {
    remote = await startRemoteServer();
    proxy = await new FreezableProxy(remote.port).start();
    backend = new RemoteBackend({ url: proxy.url, graceMs: 60_000 });
    expectOk(await backend.initialize({}));
  }, 30_000);

  afterEach(async () => {
    await backend.shutdown();
    await proxy.close();
    await remote.close();
  }, 30_000);

  const reconnected = async (before: number) => {
    await until(() => (proxy.connections > 0 && backend.connection === 'open' ? true : undefined));
    expect(proxy.accepted).toBeGreaterThan(before);
  };

  it('mirrors longCommands from the server', () => {
    expect(backend.capabilities.longCommands).toBe(true);
  });

  it('a yielded command.execute retried after a drop gets the first answer (its handle): the command runs once', async () => {
    const s = expectOk(await backend.createSession());
    const file = `/tmp/vth-remote-long-once-${randomBytes(6).toString('hex')}`;
    try {
      const watch = watchOutput();
      const accepted = proxy.accepted;
      const run = backend.executeCommand(
        s.id,
        `echo started; read go; echo ran >> ${file}; echo done; read never`,
        undefined,
        { onOutput: watch.onOutput, yieldAfterMs: 1000 },
      );
      await watch.waitFor('started', 20_000);
      // The request reached the server and runs; the drop loses its answer, the retry asks again.
      proxy.drop();
      const started = expectOk(await run);
      await reconnected(accepted);
      expect(started.status).toBe('running');
      const handle = started.handle!;
      expectOk(await backend.sendInput(s.id, 'go\n'));
      const all = await pollUntil(
        async () => expectOk(await backend.readOutput(handle, { sinceOffset: 0, waitMs: 1000 })),
        (r) => r.output.endsWith('done\n'),
        { timeoutMs: 20_000 },
      );
      expect(all.output).toBe('started\ndone\n');
      expect(readFileSync(file, 'utf8')).toBe('ran\n');
      // One command holds the pane: a second run of it would have answered BUSY or written twice.
      expect(expectFailure(await backend.executeCommand(s.id, 'echo queued'), 'BUSY').details?.handle).toBe(
        handle,
      );
      expectOk(await backend.interrupt(s.id));
      const ended = expectOk(await backend.waitFor(handle, { exit: true, timeoutMs: 20_000 }));
      expect(ended.status).toBe('interrupted');
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('reads resume at the byte across drops: offsets are the server’s, nothing lost or repeated', async () => {
    const s = expectOk(await backend.createSession());
    const completed: CommandExecution[] = [];
    backend.on('command-completed', (e) => completed.push(e));
    const started = expectOk(
      await backend.executeCommand(
        s.id,
        'echo first; read go; for i in $(seq 1 3000); do echo "line $i"; done; read again; echo last',
        undefined,
        { yieldAfterMs: 200 },
      ),
    );
    const handle = started.handle!;
    let expected = 'first\n';
    for (let i = 1; i <= 3000; i++) expected += `line ${i}\n`;
    expected += 'last\n';
    expectOk(await backend.sendInput(s.id, 'go\n'));
    let text = started.output;
    let offset = started.nextOffset!;
    for (let drops = 0; ; drops++) {
      // No sinceOffset: the backend's own cursor (where its last read stopped) is sent.
      const r = expectOk(await backend.readOutput(handle, { maxBytes: 4000, waitMs: 1000 }));
      expect({ offset: r.offset, skipped: r.skippedBytes }).toEqual({ offset, skipped: 0 });
      text += r.output;
      offset = r.nextOffset;
      if (drops === 2) expectOk(await backend.sendInput(s.id, 'again\n'));
      if (r.status !== 'running' && r.output === '') break;
      if (drops < 4) {
        const accepted = proxy.accepted;
        proxy.drop();
        await reconnected(accepted);
      }
    }
    expect(text).toBe(expected);
    const final = await until(() => completed.find((e) => e.id === started.id));
    expect({ status: final.status, exitCode: final.exitCode }).toEqual({ status: 'completed', exitCode: 0 });
    expect(Buffer.byteLength(final.output) + final.truncatedBytes).toBe(Buffer.byteLength(expected));
    expect(expected.endsWith(final.output)).toBe(true);
  });
});

describe('remote backend: long commands of a session lost with its server', () => {
  it('once the grace runs out, a waiting call fails and later calls answer SESSION_NOT_FOUND (dispatched)', async () => {
    const remote = await startRemoteServer();
    const proxy = await new FreezableProxy(remote.port).start();
    const backend = new RemoteBackend({ url: proxy.url, graceMs: 300 });
    try {
      expectOk(await backend.initialize({}));
      const s = expectOk(await backend.createSession());
      const closed: SessionClosedEvent[] = [];
      backend.on('session-closed', (e) => closed.push(e));
      const started = expectOk(
        await backend.executeCommand(s.id, 'sleep 30', undefined, { yieldAfterMs: 100 }),
      );
      const handle = started.handle!;
      const waiting = backend.waitFor(handle, { exit: true, timeoutMs: 60_000 });
      proxy.freeze();
      const failed = await waiting;
      // A wait changes nothing on the server: not dispatched, whatever it reached.
      expect(!failed.ok && { code: failed.error.code, dispatched: failed.error.dispatched }).toEqual({
        code: 'UNAVAILABLE',
        dispatched: false,
      });
      await until(() => (closed.length > 0 ? true : undefined));
      expect(closed).toEqual([{ sessionId: s.id, reason: 'crashed' }]);
      expectFailure(await backend.readOutput(handle), 'SESSION_NOT_FOUND', { dispatched: true });
      expectFailure(await backend.waitFor(handle, { exit: true, timeoutMs: 100 }), 'SESSION_NOT_FOUND', {
        dispatched: true,
      });
    } finally {
      proxy.thaw();
      await backend.shutdown();
      await proxy.close();
      await remote.close();
    }
  }, 60_000);
});
