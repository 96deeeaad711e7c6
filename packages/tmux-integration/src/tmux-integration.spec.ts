import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NodePtyBackend, plugin as nodePtyPlugin } from '@vth/backend-node-pty';
import {
  BackendError,
  fail,
  type BackendError as BackendErrorType,
  type BackendResult,
  type CommandExecution,
  type CreateSessionOptions,
  type ExecutionContext,
  type SessionInfo,
} from '@vth/core';
import { BackendFactory } from '@vth/factory';
import { type ManagerMetrics } from '@vth/manager';
import { type BackendSelectedEvent, type OutputReceivedEvent } from './events';
import { type CommandResult } from './command-result';
import { TmuxIntegration } from './tmux-integration';
import { type TmuxIntegrationConfig } from './tmux-integration-config';
import { TmuxIntegrationError } from './tmux-integration-error';
import { type TmuxSession } from './tmux-session';

jest.setTimeout(30_000);

const open: TmuxIntegration[] = [];
const backends: NodePtyBackend[] = [];

/** An integration whose factory knows node-pty only: tmux is not registered, so the fallback is taken. */
function make(config: TmuxIntegrationConfig = {}): TmuxIntegration {
  const integration = new TmuxIntegration({
    factory: new BackendFactory({ plugins: [nodePtyPlugin] }),
    fallbackBackends: ['node-pty'],
    ...config,
  });
  open.push(integration);
  return integration;
}

async function ready(config: TmuxIntegrationConfig = {}): Promise<TmuxIntegration> {
  const integration = make(config);
  await integration.initialize();
  return integration;
}

async function readyBackend<B extends NodePtyBackend>(backend: B): Promise<B> {
  backends.push(backend);
  const init = await backend.initialize({});
  if (!init.ok) throw init.error;
  return backend;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((i) => i.shutdown()));
  await Promise.all(backends.splice(0).map((b) => b.shutdown()));
});

async function rejection(promise: Promise<unknown>): Promise<TmuxIntegrationError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(TmuxIntegrationError);
    return e as TmuxIntegrationError;
  }
  throw new Error('expected the call to throw');
}

function thrown(fn: () => unknown): TmuxIntegrationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TmuxIntegrationError);
    return e as TmuxIntegrationError;
  }
  throw new Error('expected the call to throw');
}

/** Alive and not a zombie waiting for a parent that will never reap it (PID 1 in a container may not). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('TmuxIntegration: the legacy API', () => {
  it('runs the legacy snippet unchanged (plus a factory, because tmux is not registered here)', async () => {
    const integration = make({ socketPath: '/tmp/tmux-socket', performanceMode: 'performance' });
    await integration.initialize();
    const session = await integration.createSession('voice-terminal');
    const result = await integration.executeCommand('printf "%s\\n" legacy-output; ls -la /');
    const output = await integration.getOutput();

    expect(session).toMatchObject({ id: 'voice-terminal', name: 'voice-terminal', active: true });
    expect(session.panes.length).toBeGreaterThan(0);
    expect(result).toMatchObject({
      status: 'completed',
      exitCode: 0,
      success: true,
      sessionId: 'voice-terminal',
      truncatedBytes: 0,
    });
    expect(result.output.startsWith('legacy-output\n')).toBe(true);
    expect(output).toContain('legacy-output');
    expect(integration.backendType).toBe('node-pty');
  });

  it('creates and activates a session named "default" when a command names none', async () => {
    const integration = await ready();
    expect(integration.getActiveSession()).toBeNull();
    const [a, b] = await Promise.all([
      integration.executeCommand('echo one'),
      integration.executeCommand('echo two'),
    ]);
    expect(a.sessionId).toBe('default');
    expect(b.sessionId).toBe('default');
    expect(integration.getActiveSession()).toMatchObject({ id: 'default', active: true });
    expect((await integration.listSessions()).map((s) => s.id)).toEqual(['default']);
    expect(await integration.getOutput()).toContain('two');
  });

  it('keeps explicit sessions apart and switches the active one', async () => {
    const integration = await ready();
    const alpha = await integration.createSession('alpha');
    const beta = await integration.createSession('beta', { env: { WHO: 'beta' } });
    const named = await integration.createSession();
    expect(alpha.active).toBe(true);
    expect(beta.active).toBe(false);
    expect(named.name).toMatch(/^session-\d+$/);

    expect((await integration.executeCommand('echo "in:${WHO:-alpha}"')).output).toBe('in:alpha\n');
    const switched = await integration.switchSession('beta');
    expect(switched).toMatchObject({ id: 'beta', active: true });
    const inBeta = await integration.executeCommand('echo "in:${WHO:-alpha}"');
    expect(inBeta).toMatchObject({ sessionId: 'beta', output: 'in:beta\n' });
    const explicit = await integration.executeCommand('echo "in:${WHO:-alpha}"', { sessionId: 'alpha' });
    expect(explicit).toMatchObject({ sessionId: 'alpha', output: 'in:alpha\n' });

    const listed = await integration.listSessions();
    expect(listed.map((s) => [s.id, s.active]).sort()).toEqual([
      ['alpha', false],
      ['beta', true],
      [named.id, false],
    ]);
    expect(integration.getActiveSession()?.id).toBe('beta');

    await integration.killSession('beta');
    expect(integration.getActiveSession()).toBeNull();
    expect((await integration.listSessions()).map((s) => s.id).sort()).toEqual(['alpha', named.id].sort());
    expect((await rejection(integration.switchSession('beta'))).code).toBe('SESSION_NOT_FOUND');
  });

  it('keeps the shell state between commands: cwd, variables, functions', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vth-ti-'));
    try {
      const integration = await ready();
      await integration.createSession('state');
      await integration.executeCommand(`cd ${dir} && export FOO=bar && greet() { echo "hi $1"; }`);
      const result = await integration.executeCommand('pwd; echo "$FOO"; greet there');
      expect(result.output).toBe(`${dir}\nbar\nhi there\n`);
      expect(result.cwd).toBe(dir);
      expect(integration.getActiveSession()?.cwd).toBe(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates a session with cwd, env and size', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vth-ti-'));
    try {
      const integration = await ready();
      await integration.createSession('sized', { cwd: dir, env: { GREETING: 'hey' }, cols: 91, rows: 17 });
      const result = await integration.executeCommand('pwd; echo "$GREETING"; stty size');
      expect(result.output).toBe(`${dir}\nhey\n17 91\n`);
      await integration.resize(100, 40);
      expect((await integration.executeCommand('stty size')).output).toBe('40 100\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs a batch in order; a failing command does not stop it', async () => {
    const integration = await ready();
    const results = await integration.executeBatch(['echo a', 'false', 'echo b']);
    expect(results.map((r) => [r.output, r.exitCode, r.success])).toEqual([
      ['a\n', 0, true],
      ['', 1, false],
      ['b\n', 0, true],
    ]);
  });

  it('resolves a command that runs too long as timed-out, and the session stays usable', async () => {
    const integration = await ready({ commandTimeout: 60_000 });
    const result = await integration.executeCommand('sleep 30', { timeout: 200 });
    expect(result).toMatchObject({ status: 'timed-out', success: false });
    expect((await integration.executeCommand('echo after')).output).toBe('after\n');
    expect(integration.getPerformanceMetrics().commands.timedOut).toBe(1);
  });

  it('applies commandTimeout when the call gives none', async () => {
    const integration = await ready({ commandTimeout: 200 });
    expect((await integration.executeCommand('sleep 30')).status).toBe('timed-out');
  });
});

describe('TmuxIntegration: keys and screen', () => {
  it('types key names into a command that reads the terminal', async () => {
    const integration = await ready();
    await integration.createSession('keys');
    integration.once('command-started', () => {
      void integration.sendKeys(['hello', 'Enter']);
    });
    const result = await integration.executeCommand('read x; echo got:$x');
    expect(result.output).toBe('got:hello\n');
  });

  it('sends literal text without translating key names', async () => {
    const integration = await ready();
    await integration.createSession('literal');
    integration.once('command-started', () => {
      void integration
        .sendKeys(['Enter', 'Space'], { literal: true })
        .then(() => integration.sendKeys('Enter'));
    });
    const result = await integration.executeCommand('read x; echo "got:$x"');
    expect(result.output).toBe('got:EnterSpace\n');
  });

  it('interrupts a running command with C-c', async () => {
    const integration = await ready();
    await integration.createSession('ctrl-c');
    // Ctrl-C reaches the command once it owns the terminal: it says so by printing (as a person would
    // wait to see it run). A Ctrl-C typed before the shell hands the terminal over is lost in any terminal.
    const onOutput = (e: OutputReceivedEvent) => {
      if (!e.data.includes('ready')) return;
      integration.off('output-received', onOutput);
      void integration.sendKeys('C-c');
    };
    integration.on('output-received', onOutput);
    const result = await integration.executeCommand("sh -c 'echo ready; exec sleep 30'", { timeout: 60_000 });
    expect(result.status).not.toBe('timed-out');
    expect(result.success).toBe(false);
    expect(result.exitCode).toBe(130);
    expect((await integration.executeCommand('echo still-here')).output).toBe('still-here\n');
  });

  it('interrupts a running command with interrupt()', async () => {
    const integration = await ready();
    await integration.createSession('interrupt');
    integration.once('command-started', () => {
      void integration.interrupt();
    });
    const result = await integration.executeCommand('sleep 30', { timeout: 60_000 });
    expect(result.status).toBe('interrupted');
  });

  it('returns at most captureBufferSize lines from capturePane and getOutput', async () => {
    const integration = await ready({ captureBufferSize: 5 });
    await integration.createSession('capture');
    await integration.executeCommand('seq 1 20');
    const lines = (text: string) => text.replace(/\n$/, '').split('\n');
    expect(lines(await integration.getOutput())).toEqual(['16', '17', '18', '19', '20']);
    expect(lines(await integration.capturePane())).toEqual(['16', '17', '18', '19', '20']);
    expect(lines(await integration.capturePane({ lines: 2 }))).toEqual(['19', '20']);
    expect(lines(await integration.capturePane({ lines: 500 }))).toHaveLength(5);
    expect(lines(await integration.getOutput('capture'))).toHaveLength(5);
  });

  it('needs a session to capture, interrupt or resize', async () => {
    const integration = await ready();
    expect((await rejection(integration.getOutput())).code).toBe('SESSION_NOT_FOUND');
    expect((await rejection(integration.interrupt())).code).toBe('SESSION_NOT_FOUND');
    expect((await rejection(integration.resize(80, 24))).code).toBe('SESSION_NOT_FOUND');
  });
});

describe('TmuxIntegration: observability', () => {
  it('keeps the last 1000 results, newest last', async () => {
    const integration = await ready();
    await integration.executeCommand('echo first');
    await integration.executeBatch(Array.from({ length: 1004 }, (_, i) => `echo ${i}`));
    const history = integration.getCommandHistory();
    expect(history).toHaveLength(1000);
    expect(history[0]!.output).toBe('4\n');
    expect(history[999]!.output).toBe('1003\n');
    expect(integration.getCommandHistory(2).map((r) => r.output)).toEqual(['1002\n', '1003\n']);
    expect(integration.getCommandHistory(0)).toEqual([]);
    expect(integration.getPerformanceMetrics().commands.total).toBe(1005);
  });

  it('moves the metrics', async () => {
    const integration = await ready();
    const before = integration.getPerformanceMetrics();
    expect(before.commands).toEqual({ total: 0, succeeded: 0, failed: 0, timedOut: 0 });
    expect(before.latency).toEqual({ p50: 0, p95: 0, p99: 0, mean: 0 });

    const durations: number[] = [];
    durations.push((await integration.executeCommand('true')).duration);
    durations.push((await integration.executeCommand('false')).duration);
    durations.push((await integration.executeCommand('sleep 30', { timeout: 100 })).duration);
    await rejection(integration.executeCommand('echo x', { sessionId: 'nowhere' }));

    const after = integration.getPerformanceMetrics();
    expect(after.commands).toEqual({ total: 4, succeeded: 1, failed: 2, timedOut: 1 });
    // The latency figures are those of the three commands that ran (the one that could not run has none):
    // the mean exact, percentiles within the histogram's 1/32 (plus its 1 µs step) of the values.
    const [, median, slowest] = [...durations].sort((a, b) => a - b) as [number, number, number];
    expect(after.latency.mean).toBeCloseTo((durations[0]! + durations[1]! + durations[2]!) / 3, 9);
    expect(Math.abs(after.latency.p50 - median)).toBeLessThanOrEqual(median / 32 + 0.001);
    expect(Math.abs(after.latency.p99 - slowest)).toBeLessThanOrEqual(slowest / 32 + 0.001);
    expect(after.sessions).toEqual({ active: 1, created: 1 });
    expect(after.backendType).toBe('node-pty');
    // The integration runs on its own BackendManager: its figures, broken down per backend.
    expect(after.backend.type).toBe('manager');
    expect(after.backend.commands.started).toBeGreaterThanOrEqual(3);
    expect((after.backend as ManagerMetrics).backends['node-pty']).toMatchObject({
      type: 'node-pty',
      activeSessions: 1,
    });
    expect((await integration.getHealth()).status).toBe('healthy');
  });

  it('emits its events', async () => {
    const integration = make();
    const selected: BackendSelectedEvent[] = [];
    const created: TmuxSession[] = [];
    const executed: CommandResult[] = [];
    const output: OutputReceivedEvent[] = [];
    const closed: string[] = [];
    const errors: BackendErrorType[] = [];
    integration.on('backend-selected', (e) => selected.push(e));
    integration.on('session-created', (s) => created.push(s));
    integration.on('command-executed', (r) => executed.push(r));
    integration.on('output-received', (e) => output.push(e));
    integration.on('session-closed', (e) => closed.push(`${e.sessionId}:${e.reason}`));
    integration.on('error', (e) => errors.push(e));

    await integration.initialize();
    expect(selected).toHaveLength(1);
    expect(selected[0]).toMatchObject({ type: 'node-pty' });
    expect(selected[0]!.failures.map((f) => [f.type, f.error.code])).toEqual([['tmux', 'UNAVAILABLE']]);
    expect(selected[0]!.failures[0]!.error.message).toContain('tmux');

    await integration.createSession('events');
    const result = await integration.executeCommand('echo event-output');
    await integration.killSession('events');
    const failure = await rejection(integration.executeCommand('echo x', { sessionId: 'nowhere' }));

    expect(created.map((s) => s.id)).toEqual(['events']);
    expect(executed).toEqual([result]);
    expect(
      output
        .filter((e) => e.sessionId === 'events')
        .map((e) => e.data)
        .join(''),
    ).toContain('event-output');
    expect(closed).toEqual(['events:destroyed']);
    expect(errors).toEqual([failure.cause]);
    expect(errors[0]!.code).toBe('SESSION_NOT_FOUND');
  });

  it('reports a throwing listener of a forwarded event without breaking the backend', async () => {
    const integration = await ready();
    const errors: BackendErrorType[] = [];
    integration.on('error', (e) => errors.push(e));
    integration.on('output-received', () => {
      throw new Error('listener bug');
    });
    const result = await integration.executeCommand('echo through');
    expect(result.output).toBe('through\n');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ code: 'INTERNAL', message: 'listener bug' });
    expect((await integration.executeCommand('echo again')).output).toBe('again\n');
  });

  it('does not emit error without listeners, and still throws', async () => {
    const integration = await ready();
    expect(integration.listenerCount('error')).toBe(0);
    const failure = await rejection(integration.executeCommand('echo x', { sessionId: 'nowhere' }));
    expect(failure).toMatchObject({ code: 'SESSION_NOT_FOUND', dispatched: false });
    expect(failure.cause).toBeInstanceOf(BackendError);
  });
});

describe('TmuxIntegration: configuration', () => {
  it('throws INVALID_CONFIG naming each bad path', () => {
    const error = thrown(
      () =>
        new TmuxIntegration({
          performanceMode: 'fast',
          commandTimeout: -1,
          captureBufferSize: 1.5,
          backendSelectionStrategy: 'random',
          fallbackBackends: ['Node PTY', 'tmux'],
          enableABTesting: 'yes',
          backendConfigs: { 'node-pty': 3 },
          typo: true,
        } as unknown as TmuxIntegrationConfig),
    );
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.dispatched).toBe(false);
    for (const p of [
      'config.performanceMode',
      'config.commandTimeout',
      'config.captureBufferSize',
      'config.backendSelectionStrategy',
      'config.fallbackBackends[0]',
      'config.fallbackBackends',
      'config.enableABTesting',
      'config.backendConfigs.node-pty',
      'config.typo',
    ]) {
      expect(error.message).toContain(`${p}:`);
    }
    expect(error.details?.['issues']).toEqual(
      expect.arrayContaining([expect.stringMatching(/^config\.typo/)]),
    );
  });

  it('refuses options that do not apply to an injected backend', () => {
    const backend = new NodePtyBackend();
    const error = thrown(
      () =>
        new TmuxIntegration({
          backend,
          socketPath: '/tmp/s',
          fallbackBackends: ['node-pty'],
          factory: new BackendFactory(),
        }),
    );
    expect(error.code).toBe('INVALID_CONFIG');
    for (const p of ['config.socketPath', 'config.fallbackBackends', 'config.factory']) {
      expect(error.message).toContain(`${p}:`);
    }
    expect(thrown(() => new TmuxIntegration({ ownsBackend: true })).message).toContain('config.ownsBackend:');
  });

  it('applies the defaults of each performance mode', () => {
    expect(new TmuxIntegration().settings).toMatchObject({
      performanceMode: 'balanced',
      commandTimeout: 30_000,
      captureBufferSize: 5000,
      backendSelectionStrategy: 'primary-fallback',
      fallbackBackends: [],
      enableABTesting: false,
      recreateLostSessions: false,
    });
    expect(new TmuxIntegration({ performanceMode: 'performance' }).settings).toMatchObject({
      commandTimeout: 10_000,
      captureBufferSize: 1000,
    });
    expect(
      new TmuxIntegration({ performanceMode: 'reliability', commandTimeout: 5, captureBufferSize: 7 })
        .settings,
    ).toMatchObject({ commandTimeout: 5, captureBufferSize: 7, recreateLostSessions: true });
  });

  it('runs an A/B experiment over the backend types with enableABTesting, stable per user', async () => {
    // Two registered types: the plugin of node-pty under a second name stands in for another backend.
    const factory = new BackendFactory({
      plugins: [nodePtyPlugin, { ...nodePtyPlugin, type: 'node-pty-b' }],
    });
    const integration = make({
      factory,
      fallbackBackends: ['node-pty', 'node-pty-b'],
      enableABTesting: true,
    });
    await integration.initialize();
    const variantOf = async (name: string, userId: string) => {
      const session = await integration.createSession(name, { userId });
      const metrics = integration.getPerformanceMetrics();
      await integration.killSession(session.id);
      return metrics.experiment!.variants.filter((v) => v.activeSessions > 0).map((v) => v.name);
    };
    const first = await variantOf('ab-1', 'alice');
    expect(first).toHaveLength(1);
    expect(await variantOf('ab-2', 'alice')).toEqual(first);
    const report = integration.getPerformanceMetrics().experiment!;
    expect(report.variants.map((v) => v.name)).toEqual(['node-pty', 'node-pty-b']);
    expect(report.variants.reduce((n, v) => n + v.sessions, 0)).toBe(2);
    await integration.shutdown();
  });

  it('refuses enableABTesting with fewer than two backend types that can be created', async () => {
    const integration = make({ enableABTesting: true, backendSelectionStrategy: 'performance-based' });
    const error = await rejection(integration.initialize());
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toMatch(
      /enableABTesting compares backend types, and only node-pty can be created here/,
    );
    expect(integration.backend).toBeNull();
  });

  it('reports why no backend could be created', async () => {
    const integration = make({ factory: new BackendFactory(), fallbackBackends: ['node-pty'] });
    const error = await rejection(integration.initialize());
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toMatch(/tmux: .*; node-pty: /);
    expect(error.cause.details?.['attempts']).toHaveLength(2);
    // A failed initialize may be retried.
    expect((await rejection(integration.initialize())).code).toBe('UNAVAILABLE');
  });

  it('passes backendConfigs to the backend it creates', async () => {
    const integration = await ready({ backendConfigs: { 'node-pty': { env: { FROM_CONFIG: 'yes' } } } });
    expect((await integration.executeCommand('echo "$FROM_CONFIG"')).output).toBe('yes\n');
  });

  it('discovers plugins from the nearest package.json when given no factory', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vth-ti-app-'));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'voice-app', dependencies: {} }));
    const cwd = jest.spyOn(process, 'cwd').mockReturnValue(dir);
    try {
      const integration = new TmuxIntegration({ fallbackBackends: ['node-pty'] });
      open.push(integration);
      const error = await rejection(integration.initialize());
      expect(error.code).toBe('UNAVAILABLE');
      expect(error.message).toContain('tmux: not registered');
      expect(error.message).toContain(`dependencies of ${path.join(dir, 'package.json')}`);
    } finally {
      cwd.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad input with INVALID_INPUT naming it, and calls before initialize', async () => {
    const integration = make({ maxSessions: 1 });
    expect((await rejection(integration.createSession('x'))).code).toBe('NOT_INITIALIZED');
    await integration.initialize();
    await integration.initialize();
    const badName = await rejection(integration.createSession('bad name!'));
    expect(badName.code).toBe('INVALID_INPUT');
    expect(badName.message).toContain('name:');
    const badOptions = await rejection(
      integration.executeCommand('true', { timeout: 0, shell: 'zsh' } as unknown as { timeout: number }),
    );
    expect(badOptions.message).toContain('options.timeout:');
    expect(badOptions.message).toContain('options.shell:');
    expect((await rejection(integration.sendKeys([]))).message).toContain('keys');
    expect(() => integration.getCommandHistory(-1)).toThrow(TmuxIntegrationError);

    await integration.createSession('only');
    expect((await rejection(integration.createSession('only'))).code).toBe('INVALID_INPUT');
    expect((await rejection(integration.createSession('second'))).code).toBe('BUSY');
  });
});

describe('TmuxIntegration: injected backends and reliability', () => {
  it('uses an injected backend and leaves it running', async () => {
    const backend = await readyBackend(new NodePtyBackend());
    const integration = new TmuxIntegration({ backend });
    open.push(integration);
    const selected: BackendSelectedEvent[] = [];
    integration.on('backend-selected', (e) => selected.push(e));
    await integration.initialize();
    expect(integration.backend).toBe(backend);
    expect(integration.backendType).toBe('node-pty');
    expect(selected).toEqual([{ type: 'node-pty', backendId: backend.id, failures: [] }]);

    const result = await integration.executeCommand('echo injected');
    expect(result).toMatchObject({ output: 'injected\n', backendId: backend.id });
    await integration.shutdown();

    expect((await backend.getHealth()).status).toBe('healthy');
    const listed = await backend.listSessions();
    expect(listed.ok && listed.value.map((s) => s.id)).toEqual([]);
    const again = await backend.createSession();
    expect(again.ok).toBe(true);
  });

  it('shuts an injected backend down when it owns it', async () => {
    const backend = await readyBackend(new NodePtyBackend());
    const integration = new TmuxIntegration({ backend, ownsBackend: true });
    await integration.initialize();
    await integration.shutdown();
    expect((await backend.getHealth()).status).toBe('unhealthy');
  });

  it('re-creates a lost session once in reliability mode, when the command never reached it', async () => {
    const backend = await readyBackend(new FlakyBackend());
    const integration = new TmuxIntegration({ backend, performanceMode: 'reliability' });
    open.push(integration);
    await integration.initialize();
    const dir = mkdtempSync(path.join(tmpdir(), 'vth-ti-'));
    try {
      await integration.createSession('work', { env: { KEEP: 'kept' } });
      const before = await integration.executeCommand(`cd ${dir} && echo $$`);
      const createdEvents: string[] = [];
      integration.on('session-created', (s) => createdEvents.push(s.id));

      backend.failNext(new BackendError('SESSION_NOT_FOUND', 'the session vanished', { dispatched: false }));
      const after = await integration.executeCommand('pwd; echo "$KEEP"; echo $$');
      const [cwd, keep, pid] = after.output.trim().split('\n');
      expect(after.success).toBe(true);
      expect(cwd).toBe(dir);
      expect(keep).toBe('kept');
      expect(pid).not.toBe(before.output.trim());
      expect(backend.createCalls).toBe(2);
      expect(createdEvents).toEqual(['work']);
      expect(integration.getActiveSession()?.id).toBe('work');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never retries a command that may have run', async () => {
    const backend = await readyBackend(new FlakyBackend());
    const integration = new TmuxIntegration({ backend, performanceMode: 'reliability' });
    open.push(integration);
    await integration.initialize();
    await integration.createSession('work');
    backend.failNext(new BackendError('BACKEND_CRASHED', 'the shell died mid-command', { dispatched: true }));
    const error = await rejection(integration.executeCommand('echo once'));
    expect(error).toMatchObject({ code: 'BACKEND_CRASHED', dispatched: true });
    expect(error.cause.message).toBe('the shell died mid-command');
    expect(backend.createCalls).toBe(1);
    expect(backend.executeCalls).toBe(1);
  });

  it('does not re-create sessions outside reliability mode', async () => {
    const backend = await readyBackend(new FlakyBackend());
    const integration = new TmuxIntegration({ backend, performanceMode: 'balanced' });
    open.push(integration);
    await integration.initialize();
    await integration.createSession('work');
    backend.failNext(new BackendError('SESSION_NOT_FOUND', 'gone', { dispatched: false }));
    expect((await rejection(integration.executeCommand('echo x'))).code).toBe('SESSION_NOT_FOUND');
    expect(backend.createCalls).toBe(1);
  });
});

describe('TmuxIntegration: shutdown', () => {
  it('leaves no processes behind and is idempotent', async () => {
    const integration = await ready();
    const pidOf = (r: CommandResult) => Number(/pid:(\d+)/.exec(r.output)?.[1]);
    const shell = pidOf(await integration.executeCommand('echo "pid:$$"'));
    const background = pidOf(await integration.executeCommand('sleep 300 >/dev/null 2>&1 & echo "pid:$!"'));
    await integration.createSession('second');
    const second = pidOf(await integration.executeCommand('echo "pid:$$"', { sessionId: 'second' }));
    for (const pid of [shell, background, second]) expect(isAlive(pid)).toBe(true);

    await Promise.all([integration.shutdown(), integration.shutdown()]);
    await integration.shutdown();

    for (const pid of [shell, background, second]) expect(isAlive(pid)).toBe(false);
    expect((await rejection(integration.executeCommand('echo x'))).code).toBe('NOT_INITIALIZED');
    expect((await rejection(integration.initialize())).code).toBe('NOT_INITIALIZED');
    expect((await integration.getHealth()).status).toBe('unhealthy');
  });

  it('shuts down cleanly while initializing', async () => {
    const integration = make();
    const initializing = integration.initialize();
    await integration.shutdown();
    expect((await rejection(initializing)).code).toBe('NOT_INITIALIZED');
    expect(integration.backend).toBeNull();
  });
});

/** A real node-pty backend whose next executeCommand fails as told: a session lost at the worst moment. */
class FlakyBackend extends NodePtyBackend {
  createCalls = 0;
  executeCalls = 0;
  private failures: BackendErrorType[] = [];

  failNext(error: BackendErrorType): void {
    this.failures.push(error);
  }

  override async createSession(
    options?: CreateSessionOptions,
    context?: ExecutionContext,
  ): Promise<BackendResult<SessionInfo>> {
    this.createCalls++;
    return super.createSession(options, context);
  }

  override async executeCommand(
    sessionId: string,
    command: string,
    paneId?: string,
    context?: ExecutionContext,
  ): Promise<BackendResult<CommandExecution>> {
    this.executeCalls++;
    const failure = this.failures.shift();
    if (failure) return fail(failure);
    return super.executeCommand(sessionId, command, paneId, context);
  }
}
