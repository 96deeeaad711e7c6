import { type BackendResult, type CommandExecution, type SessionClosedEvent } from '@vth/core';
import { FakeBackend } from './fake-backend';

async function session(backend: FakeBackend, options = {}): Promise<string> {
  const created = await backend.createSession(options);
  if (!created.ok) throw created.error;
  return created.value.id;
}

function value<T>(result: BackendResult<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}

/** Lets pending microtasks (and the fake's 0-latency answers) run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('FakeBackend', () => {
  it('runs commands in persistent fake shells and reports them like a real backend', async () => {
    const backend = new FakeBackend({ id: 'fake-a' });
    const id = await session(backend, { sessionId: 's1', cwd: '/srv', env: { GREETING: 'hi' } });
    const first = value(await backend.executeCommand(id, 'echo $GREETING && cd app'));
    expect(first).toMatchObject({
      sessionId: 's1',
      paneId: '0',
      command: 'echo $GREETING && cd app',
      status: 'completed',
      exitCode: 0,
      output: 'hi\n',
      cwd: '/srv/app',
      backendId: 'fake-a',
      durationMs: 0,
    });
    expect(value(await backend.executeCommand(id, 'false')).exitCode).toBe(1);
    expect(value(await backend.listSessions())).toEqual([
      expect.objectContaining({ id: 's1', backendId: 'fake-a', cwd: '/srv/app', alive: true }),
    ]);
    expect(value(await backend.capture(id))).toBe('hi\n');
    expect(backend.shellState(id)).toMatchObject({
      cwd: '/srv/app',
      env: { GREETING: 'hi' },
      lastExitCode: 1,
    });
    expect(backend.getMetrics()).toMatchObject({
      backendId: 'fake-a',
      sessions: { active: 1, created: 1 },
      commands: { started: 2, completed: 2, nonZeroExit: 1 },
    });
  });

  it('lists every command it ran, with its session', async () => {
    const backend = new FakeBackend({ now: () => 42 });
    const a = await session(backend, { sessionId: 'a' });
    const b = await session(backend, { sessionId: 'b' });
    await backend.executeCommand(a, 'echo 1');
    await backend.executeBatch(b, ['echo 2', 'echo 3']);
    expect(backend.ran).toEqual(['echo 1', 'echo 2', 'echo 3']);
    expect(backend.runs).toEqual([
      { sessionId: 'a', command: 'echo 1', startedAt: 42 },
      { sessionId: 'b', command: 'echo 2', startedAt: 42 },
      { sessionId: 'b', command: 'echo 3', startedAt: 42 },
    ]);
  });

  it('answers after the programmed latency and reports it as the duration', async () => {
    jest.useFakeTimers();
    try {
      const backend = new FakeBackend({ latencyMs: (command) => (command.startsWith('echo slow') ? 50 : 5) });
      const id = await session(backend);
      let answer: BackendResult<CommandExecution> | undefined;
      void backend.executeCommand(id, 'echo slow').then((r) => (answer = r));
      await jest.advanceTimersByTimeAsync(49);
      expect(answer).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);
      expect(answer && value(answer)).toMatchObject({ durationMs: 50, output: 'slow\n' });
      const timedOut = backend.executeCommand(id, 'echo slow', undefined, { timeoutMs: 10 });
      await jest.advanceTimersByTimeAsync(10);
      expect(value(await timedOut)).toMatchObject({ status: 'timed-out', exitCode: null, durationMs: 10 });
    } finally {
      jest.useRealTimers();
    }
  });

  it('runs the commands of a session one at a time', async () => {
    const backend = new FakeBackend();
    const id = await session(backend);
    backend.hold();
    const first = backend.executeCommand(id, 'echo 1');
    const second = backend.executeCommand(id, 'echo 2');
    await settle();
    expect(backend.ran).toEqual(['echo 1']);
    expect(backend.inFlight).toBe(1);
    backend.release();
    expect(value(await first).output).toBe('1\n');
    expect(value(await second).output).toBe('2\n');
    expect(backend.ran).toEqual(['echo 1', 'echo 2']);
  });

  it('fails the next calls as told: undispatched ones never run, dispatched ones run and lose the answer', async () => {
    const backend = new FakeBackend();
    const id = await session(backend);
    backend.failNext(1, { code: 'BUSY', dispatched: false });
    backend.failNext(1, { code: 'TIMEOUT', dispatched: true, message: 'answer lost' });
    const refused = await backend.executeCommand(id, 'export A=1');
    expect(!refused.ok && refused.error).toMatchObject({
      code: 'BUSY',
      dispatched: false,
      backendId: backend.id,
    });
    const lost = await backend.executeCommand(id, 'export B=2');
    expect(!lost.ok && lost.error).toMatchObject({
      code: 'TIMEOUT',
      dispatched: true,
      message: 'answer lost',
    });
    expect(backend.ran).toEqual(['export B=2']);
    expect(backend.shellState(id)?.env).toMatchObject({ B: '2' });
    expect(backend.shellState(id)?.env['A']).toBeUndefined();
    expect((await backend.executeCommand(id, 'true')).ok).toBe(true);
    expect(backend.getMetrics().errors).toEqual({ total: 2, byCode: { BUSY: 1, TIMEOUT: 1 } });
  });

  it('fails session creation when told to, leaving commands alone', async () => {
    const backend = new FakeBackend();
    backend.failNext(1, { code: 'RATE_LIMITED', dispatched: false, on: 'createSession' });
    const refused = await backend.createSession();
    expect(!refused.ok && refused.error.code).toBe('RATE_LIMITED');
    const id = await session(backend);
    expect((await backend.executeCommand(id, 'true')).ok).toBe(true);
  });

  it('fails a batch at the first failing command, as dispatched once one has run', async () => {
    const backend = new FakeBackend();
    const id = await session(backend);
    backend.failNext(1, { code: 'BUSY', dispatched: false });
    const none = await backend.executeBatch(id, ['echo 1', 'echo 2']);
    expect(!none.ok && none.error).toMatchObject({ code: 'BUSY', dispatched: false });
    expect(backend.ran).toEqual([]);
    const ok = value(await backend.executeBatch(id, ['echo 1']));
    expect(ok).toHaveLength(1);
    backend.hold();
    const later = backend.executeBatch(id, ['echo 2', 'echo 3']);
    await settle();
    // 'echo 2' is running: the fault hits 'echo 3'.
    backend.failNext(1, { code: 'BUSY', dispatched: false });
    backend.release();
    const partial = await later;
    expect(!partial.ok && partial.error).toMatchObject({ code: 'BUSY', dispatched: true });
    expect(!partial.ok && (partial.error.details?.['executions'] as unknown[])).toHaveLength(1);
    expect(backend.ran).toEqual(['echo 1', 'echo 2']);
  });

  it('is down: every call fails UNAVAILABLE, undispatched, until it is up again', async () => {
    const backend = new FakeBackend();
    const id = await session(backend);
    const changes: string[] = [];
    backend.on('health-changed', (e) => changes.push(`${e.previous}->${e.current.status}`));
    backend.setDown(true);
    for (const result of [
      await backend.createSession(),
      await backend.executeCommand(id, 'true'),
      await backend.listSessions(),
    ]) {
      expect(!result.ok && result.error).toMatchObject({ code: 'UNAVAILABLE', dispatched: false });
    }
    expect((await backend.getHealth()).status).toBe('unhealthy');
    expect(backend.ran).toEqual([]);
    backend.setDown(false);
    expect((await backend.executeCommand(id, 'true')).ok).toBe(true);
    expect(changes).toEqual(['healthy->unhealthy', 'unhealthy->healthy']);
  });

  it('crashes: the running command fails dispatched, queued ones undispatched, sessions close', async () => {
    const backend = new FakeBackend();
    const busy = await session(backend, { sessionId: 'busy' });
    const idle = await session(backend, { sessionId: 'idle' });
    const closed: SessionClosedEvent[] = [];
    const health: string[] = [];
    backend.on('session-closed', (e) => closed.push(e));
    backend.on('health-changed', (e) => health.push(e.current.status));
    backend.hold();
    const running = backend.executeCommand(busy, 'export X=1');
    const queued = backend.executeCommand(busy, 'echo never');
    await settle();
    backend.crash();
    const r = await running;
    expect(!r.ok && r.error).toMatchObject({ code: 'BACKEND_CRASHED', dispatched: true });
    expect(!r.ok && r.error.details?.['execution']).toMatchObject({ status: 'lost', exitCode: null });
    const q = await queued;
    expect(!q.ok && q.error).toMatchObject({ code: 'SESSION_NOT_FOUND', dispatched: false });
    expect(backend.ran).toEqual(['export X=1']);
    expect(closed.map((e) => [e.sessionId, e.reason])).toEqual([
      ['busy', 'crashed'],
      ['idle', 'crashed'],
    ]);
    expect(health).toEqual(['unhealthy']);
    const later = await backend.executeCommand(idle, 'true');
    expect(!later.ok && later.error).toMatchObject({ code: 'SESSION_NOT_FOUND', dispatched: false });
    const fresh = await backend.createSession();
    expect(!fresh.ok && fresh.error).toMatchObject({ code: 'UNAVAILABLE', dispatched: false });
    backend.release();
    backend.recover();
    expect(health).toEqual(['unhealthy', 'healthy']);
    expect((await backend.createSession()).ok).toBe(true);
  });

  it('interrupts and destroys: the running command ends interrupted, queued ones never run', async () => {
    const backend = new FakeBackend();
    const id = await session(backend);
    backend.hold();
    const first = backend.executeCommand(id, 'echo 1');
    await settle();
    value(await backend.interrupt(id));
    expect(value(await first)).toMatchObject({ status: 'interrupted', exitCode: null, output: '' });
    const second = backend.executeCommand(id, 'echo 2');
    const third = backend.executeCommand(id, 'echo 3');
    await settle();
    value(await backend.destroySession(id));
    expect(value(await second).status).toBe('interrupted');
    const t = await third;
    expect(!t.ok && t.error).toMatchObject({ code: 'SESSION_NOT_FOUND', dispatched: false });
    expect(backend.ran).toEqual(['echo 1', 'echo 2']);
    const gone = await backend.executeCommand(id, 'true');
    expect(!gone.ok && gone.error.code).toBe('SESSION_NOT_FOUND');
  });

  it('ends a command when its signal aborts', async () => {
    const backend = new FakeBackend();
    const id = await session(backend);
    backend.hold();
    const controller = new AbortController();
    const run = backend.executeCommand(id, 'echo 1', undefined, { signal: controller.signal });
    await settle();
    controller.abort();
    expect(value(await run).status).toBe('interrupted');
    backend.release();
  });

  it('streams output to onOutput and output events, with audit fields on command-started', async () => {
    const backend = new FakeBackend();
    const id = await session(backend);
    const chunks: string[] = [];
    const events: string[] = [];
    backend.on('output', (e) => events.push(e.data));
    backend.on('command-started', (e) => events.push(`${e.command} by ${e.userId}`));
    await backend.executeCommand(id, 'echo hi', undefined, { userId: 'u1', onOutput: (c) => chunks.push(c) });
    expect(chunks).toEqual(['hi\n']);
    expect(events).toEqual(['echo hi by u1', 'hi\n']);
  });

  it('validates input like a real backend', async () => {
    const backend = new FakeBackend();
    const id = await session(backend);
    const badId = await backend.executeCommand('no spaces allowed', 'true');
    expect(!badId.ok && badId.error.code).toBe('INVALID_INPUT');
    const badPane = await backend.executeCommand(id, 'true', '1');
    expect(!badPane.ok && badPane.error.code).toBe('PANE_NOT_FOUND');
    const dup = await backend.createSession({ sessionId: id });
    expect(!dup.ok && dup.error.code).toBe('INVALID_INPUT');
    const badSize = await backend.resize(id, 0, 10);
    expect(!badSize.ok && badSize.error.code).toBe('INVALID_INPUT');
    expect(backend.ran).toEqual([]);
  });

  it('can require initialize, adopts the configured id, and refuses everything after shutdown', async () => {
    const backend = new FakeBackend({ requireInitialize: true });
    const early = await backend.createSession();
    expect(!early.ok && early.error.code).toBe('NOT_INITIALIZED');
    expect((await backend.getHealth()).status).toBe('unhealthy');
    value(await backend.initialize({ id: 'configured' }));
    expect(backend.id).toBe('configured');
    const id = await session(backend);
    const closed: string[] = [];
    backend.on('session-closed', (e) => closed.push(e.reason));
    await backend.shutdown();
    await backend.shutdown();
    expect(closed).toEqual(['shutdown']);
    const after = await backend.executeCommand(id, 'true');
    expect(!after.ok && after.error.code).toBe('NOT_INITIALIZED');
  });

  it('runs a custom handler, and reports a handler that throws as INTERNAL after running', async () => {
    const backend = new FakeBackend({
      handler: (command) => ({ output: command.toUpperCase(), exitCode: 3 }),
    });
    const id = await session(backend);
    expect(value(await backend.executeCommand(id, 'abc'))).toMatchObject({ output: 'ABC', exitCode: 3 });
    backend.setHandler(() => {
      throw new Error('boom');
    });
    const thrown = await backend.executeCommand(id, 'x');
    expect(!thrown.ok && thrown.error).toMatchObject({ code: 'INTERNAL', dispatched: true });
  });
});
