import { type BackendResult, type CommandExecution } from '@vth/core';
import { MEMORY_CAPABILITIES, memoryPlugin } from '@vth/backend-kit/testing';
import { BackendFactory } from '@vth/factory';
import { expectOk } from '@vth/testkit';
import { BackendManager } from './backend-manager';
import { type ManagerConfigInput } from './manager-config';
import { createFakePlugin, type FakePlugin } from './testing/fake-plugin';

const managers: BackendManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.shutdown()));
});

/** Fakes whose `serve` commands run for a minute: long commands that yield. */
async function start(
  config: Partial<ManagerConfigInput> & Pick<ManagerConfigInput, 'backends'>,
  fakes: FakePlugin = createFakePlugin('fake', (b) =>
    b.setLatency((c) => (c.startsWith('serve') ? 60_000 : 0)),
  ),
): Promise<{ manager: BackendManager; fakes: FakePlugin }> {
  const manager = new BackendManager({ factory: new BackendFactory({ plugins: [fakes.plugin] }) });
  managers.push(manager);
  expectOk(
    await manager.initialize({
      probe: { enabled: false },
      retry: { initialDelayMs: 1, maxDelayMs: 5 },
      ...config,
    }),
  );
  return { manager, fakes };
}

/** Runs a `serve` command that yields, and returns its handle. */
async function serve(manager: BackendManager, sessionId: string): Promise<CommandExecution> {
  const run = expectOk(await manager.executeCommand(sessionId, 'serve', undefined, { yieldAfterMs: 10 }));
  expect(run.status).toBe('running');
  return run;
}

const errorOf = (r: BackendResult<unknown>) =>
  r.ok ? undefined : { code: r.error.code, dispatched: r.error.dispatched };

describe('BackendManager long commands', () => {
  it('gives handles in its own session ids and routes readOutput/waitFor to the backend holding the session', async () => {
    const { manager } = await start({
      backends: [
        { type: 'fake', id: 'a' },
        { type: 'fake', id: 'b' },
      ],
    });
    expect(manager.capabilities.longCommands).toBe(true);
    const s = expectOk(await manager.createSession({ sessionId: 'web' }));
    const run = await serve(manager, s.id);
    expect(run.handle).toBe(`web:0:${run.id}`);
    expect(run.backendId).toBe(manager.id);
    const read = expectOk(await manager.readOutput(run.handle!));
    expect(read).toMatchObject({ handle: run.handle, sessionId: 'web', paneId: '0', status: 'running' });
    const busy = await manager.executeCommand(s.id, 'echo hi');
    expect(!busy.ok && busy.error.details?.handle).toEqual(expect.stringMatching(/^web:0:/));
    const waiting = manager.waitFor(run.handle!, { exit: true, timeoutMs: 60_000 });
    expectOk(await manager.interrupt(s.id));
    expect(expectOk(await waiting)).toMatchObject({
      reason: 'exit',
      status: 'interrupted',
      handle: run.handle,
    });
    expect(errorOf(await manager.readOutput('nope:0:x'))).toEqual({
      code: 'SESSION_NOT_FOUND',
      dispatched: true,
    });
    expect(errorOf(await manager.readOutput('bad handle'))).toEqual({
      code: 'INVALID_INPUT',
      dispatched: false,
    });
  });

  it('claims longCommands only when every backend of the pool has it', async () => {
    const plugin = memoryPlugin({
      type: 'fake',
      capabilities: { ...MEMORY_CAPABILITIES, longCommands: false },
    });
    const fakes = { plugin, instances: plugin.created, byPoolId: (id: string) => plugin.byPoolId(id) };
    const { manager } = await start({ backends: [{ type: 'fake', id: 'a' }] }, fakes);
    expect(manager.capabilities.longCommands === true).toBe(false);
  });

  it('ends a handle with BACKEND_CRASHED (dispatched) when its session fails over; the session works elsewhere', async () => {
    const { manager, fakes } = await start({
      backends: [
        { type: 'fake', id: 'a' },
        { type: 'fake', id: 'b' },
      ],
    });
    const s = expectOk(await manager.createSession());
    const from = manager.backendOf(s.id);
    const run = await serve(manager, s.id);
    const waiting = manager.waitFor(run.handle!, { exit: true, timeoutMs: 60_000 });
    const moved = new Promise((resolve) => manager.once('session-migrated', resolve));
    fakes.byPoolId(from!)!.crash();
    expect(errorOf(await waiting)).toEqual({ code: 'BACKEND_CRASHED', dispatched: true });
    await moved;
    expect(manager.backendOf(s.id)).not.toBe(from);
    expect(errorOf(await manager.readOutput(run.handle!))).toEqual({
      code: 'BACKEND_CRASHED',
      dispatched: true,
    });
    expect(errorOf(await manager.waitFor(run.handle!, { exit: true, timeoutMs: 100 }))).toEqual({
      code: 'BACKEND_CRASHED',
      dispatched: true,
    });
    const after = expectOk(await manager.executeCommand(s.id, 'echo moved'));
    expect(after.output).toBe('moved\n');
  });

  it('hot swap waits for a running handle before moving its session, and moves idle sessions at once', async () => {
    const { manager } = await start({ backends: [{ type: 'fake', id: 'a' }] });
    const busy = expectOk(await manager.createSession());
    const idle = expectOk(await manager.createSession());
    const run = await serve(manager, busy.id);
    const idleMoved = new Promise<void>((resolve) =>
      manager.on('session-migrated', (e) => e.sessionId === idle.id && resolve()),
    );
    const swap = manager.hotSwap('a', { type: 'fake' }, { drainTimeoutMs: 60_000 });
    await idleMoved;
    // The idle session has moved; the one whose command runs stays, its command untouched.
    expect(expectOk(await manager.readOutput(run.handle!)).status).toBe('running');
    expectOk(await manager.interrupt(busy.id));
    expect(expectOk(await swap)).toMatchObject({ moved: 2, forced: 0, lost: 0 });
    expect(expectOk(await manager.executeCommand(busy.id, 'echo here')).output).toBe('here\n');
  });

  it('a hot swap past its deadline moves the session anyway and ends the handle honestly', async () => {
    const { manager } = await start({ backends: [{ type: 'fake', id: 'a' }] });
    const s = expectOk(await manager.createSession());
    const run = await serve(manager, s.id);
    const report = expectOk(await manager.hotSwap('a', { type: 'fake' }, { drainTimeoutMs: 50 }));
    expect(report).toMatchObject({ moved: 1, forced: 1 });
    expect(errorOf(await manager.readOutput(run.handle!))).toEqual({
      code: 'BACKEND_CRASHED',
      dispatched: true,
    });
    expect(expectOk(await manager.executeCommand(s.id, 'echo here')).output).toBe('here\n');
  });
});
