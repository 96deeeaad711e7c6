import { BackendError } from '@vth/core';
import { describeBackendConformance } from '@vth/testkit';
import { MemoryBackend } from './memory-backend';
import { MEMORY_CAPABILITIES } from './memory-options';
import { memoryPlugin } from './memory-plugin';

// The contract checks of the suite, with the capabilities the memory backend claims: what tests of a
// manager or factory rely on when they use it instead of a real backend.
describeBackendConformance({
  name: 'memory',
  create: () => new MemoryBackend({ requireInitialize: true }),
  capabilities: MEMORY_CAPABILITIES,
  shellFeatures: { bash: false, incompleteInput: false, realShell: false },
});

describe('MemoryBackend beyond the contract', () => {
  it('runs nothing of a batch with one malformed command, and nothing after an already-aborted signal', async () => {
    const backend = new MemoryBackend();
    const s = await backend.createSession();
    if (!s.ok) throw s.error;
    const batch = await backend.executeBatch(s.value.id, ['export A=1', 'echo \0']);
    expect(!batch.ok && batch.error).toMatchObject({ code: 'INVALID_INPUT', dispatched: false });
    const controller = new AbortController();
    controller.abort();
    const aborted = await backend.executeCommand(s.value.id, 'export B=2', undefined, {
      signal: controller.signal,
    });
    expect(aborted.ok && aborted.value).toMatchObject({ status: 'interrupted', exitCode: null });
    expect(backend.ran).toEqual([]);
    expect(backend.shellState(s.value.id)?.env).not.toHaveProperty('A');
  });

  it('records what it was initialized with and how often it was shut down; onInitialize decides the answer', async () => {
    const backend = new MemoryBackend({
      requireInitialize: true,
      onInitialize: async () => ({ ok: false, error: new BackendError('UNAVAILABLE', 'no engine') }),
    });
    const init = await backend.initialize({ id: 'mem-7', extra: 1 });
    expect(!init.ok && init.error.message).toBe('no engine');
    expect(backend.initializedWith).toEqual({ id: 'mem-7', extra: 1 });
    expect(backend.id).toBe('mem-7');
    await backend.shutdown();
    await backend.shutdown();
    expect(backend.shutdownCalls).toBe(2);
  });
});

describe('memoryPlugin', () => {
  it('creates backends that need initialize, from a validated config, and finds them by pool id', async () => {
    const plugin = memoryPlugin({ type: 'mem', configure: (b) => b.setLatency(3) });
    const config = plugin.configSchema.safeParse({ cwd: '/srv', env: { A: 'b' } });
    if (!config.success) throw new Error('config refused');
    const backend = plugin.create(config.data) as MemoryBackend;
    expect(plugin.created).toEqual([backend]);
    expect(backend.createdWith).toEqual({ cwd: '/srv', env: { A: 'b' } });
    expect(backend.type).toBe('mem');
    const early = await backend.createSession();
    expect(!early.ok && early.error.code).toBe('NOT_INITIALIZED');
    await backend.initialize({ id: 'pool-a-x1' });
    const s = await backend.createSession();
    if (!s.ok) throw s.error;
    const run = await backend.executeCommand(s.value.id, 'pwd; echo $A');
    expect(run.ok && run.value).toMatchObject({ output: '/srv\nb\n', durationMs: 3 });
    expect(plugin.byPoolId('pool-a')).toBe(backend);
    expect(plugin.configSchema.safeParse({ latencyMs: -1 }).success).toBe(false);
    await backend.shutdown();
  });
});

describe('MemoryBackend long commands (capabilities.longCommands)', () => {
  it('yields a slow command as running with a handle, answers BUSY meanwhile, and reports its end', async () => {
    const backend = new MemoryBackend();
    backend.setLatency((command) => (command.startsWith('echo slow') ? 60_000 : 0));
    const s = await backend.createSession();
    if (!s.ok) throw s.error;
    const started = await backend.executeCommand(s.value.id, 'echo slow', undefined, { yieldAfterMs: 20 });
    if (!started.ok) throw started.error;
    expect(started.value).toMatchObject({ status: 'running', output: '', nextOffset: 0 });
    const handle = started.value.handle!;
    expect(handle).toBe(`${s.value.id}:0:${started.value.id}`);
    const busy = await backend.executeCommand(s.value.id, 'echo other');
    expect(!busy.ok && busy.error).toMatchObject({ code: 'BUSY', dispatched: false, details: { handle } });
    const waiting = backend.waitFor(handle, { exit: true, timeoutMs: 60_000 });
    expectRunning(await backend.readOutput(handle));
    await backend.interrupt(s.value.id);
    const ended = await waiting;
    expect(ended.ok && ended.value).toMatchObject({ reason: 'exit', status: 'interrupted' });
    const after = await backend.executeCommand(s.value.id, 'echo other');
    expect(after.ok && after.value.output).toBe('other\n');
    await backend.shutdown();
  });
});

/** A backend that hears its sessions' shells die before its own destroy ends them (as tmux can). */
class ShellDiesFirst extends MemoryBackend {
  protected override async endSessions(
    ...args: Parameters<MemoryBackend['endSessions']>
  ): ReturnType<MemoryBackend['endSessions']> {
    this.crash();
    return super.endSessions(...args);
  }
}

describe('a handle whose session its owner destroyed', () => {
  it('answers interrupted even when the backend forgot the session as crashed first', async () => {
    const backend = new ShellDiesFirst();
    backend.setLatency((command) => (command.startsWith('sleep') ? 60_000 : 0));
    const s = await backend.createSession();
    if (!s.ok) throw s.error;
    const started = await backend.executeCommand(s.value.id, 'sleep', undefined, { yieldAfterMs: 20 });
    if (!started.ok) throw started.error;
    const waiting = backend.waitFor(started.value.handle!, { exit: true, timeoutMs: 60_000 });
    expect((await backend.destroySession(s.value.id)).ok).toBe(true);
    const ended = await waiting;
    expect(ended.ok && ended.value).toMatchObject({ reason: 'exit', status: 'interrupted' });
    await backend.shutdown();
  });
});

function expectRunning(result: Awaited<ReturnType<MemoryBackend['readOutput']>>): void {
  expect(result.ok && result.value.status).toBe('running');
}
