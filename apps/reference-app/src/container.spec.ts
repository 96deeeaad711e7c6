import { type DiscoveryReport } from '@vth/factory';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { type DependencyContainer } from 'tsyringe';
import { APP_MANIFEST } from './app-manifest';
import { BackendProvider } from './backend-provider';
import { BackendsCommand, type BackendsReport } from './commands/backends-command';
import { ExecCommand } from './commands/exec-command';
import { ShellCommand } from './commands/shell-command';
import { type AppConfig } from './config';
import { ConfigLoader } from './config-loader';
import { createContainer, type ContainerOptions } from './container';
import { type SignalSource } from './stdio';
import { captureOutput } from './test-support/captured-output.fixture';
import { importNatively } from './test-support/native-import.fixture';
import { TOKENS } from './tokens';

describe('createContainer', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'vth-di-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** The app's container as the CLI builds it, with Jest-friendly plugin loading and captured output. */
  async function build(options: ContainerOptions = {}) {
    const captured = captureOutput();
    const created = await createContainer({
      env: {},
      cwd: dir,
      output: captured.output,
      importModule: importNatively,
      ...options,
    });
    if (!created.ok) throw created.error;
    return { container: created.value, ...captured };
  }

  it('registers the config, the factory with the discovered plugins, and the report', async () => {
    const { container } = await build({ env: { VTH_TIMEOUT_MS: '900' } });
    expect(container.resolve<AppConfig>(TOKENS.Config)).toEqual({
      fallbackOrder: ['node-pty'],
      backends: {},
      exec: { timeoutMs: 900 },
    });
    const report = container.resolve<DiscoveryReport>(TOKENS.DiscoveryReport);
    expect(report.plugins).toEqual([
      expect.objectContaining({ type: 'container', package: '@vth/backend-container' }),
      expect.objectContaining({ type: 'node-pty', package: '@vth/backend-node-pty' }),
      expect.objectContaining({ type: 'remote', package: '@vth/backend-remote' }),
      expect.objectContaining({ type: 'tmux', package: '@vth/backend-tmux' }),
    ]);
    expect(report.failures).toEqual([]);
    expect(container.resolve<string>(TOKENS.PluginsFrom)).toBe(APP_MANIFEST);
    const factory = container.resolve<{ has(type: string): boolean }>(TOKENS.BackendFactory);
    expect(factory.has('node-pty')).toBe(true);
    expect(factory.has('tmux')).toBe(true);
  });

  it('resolves every command class, sharing one BackendProvider per container', async () => {
    const { container } = await build();
    expect(container.resolve(BackendsCommand)).toBeInstanceOf(BackendsCommand);
    expect(container.resolve(ExecCommand)).toBeInstanceOf(ExecCommand);
    expect(container.resolve(ShellCommand)).toBeInstanceOf(ShellCommand);
    expect(container.resolve(ConfigLoader)).toBeInstanceOf(ConfigLoader);
    expect(container.resolve(BackendProvider)).toBe(container.resolve(BackendProvider));
    const other = await build();
    expect(other.container.resolve(BackendProvider)).not.toBe(container.resolve(BackendProvider));
  });

  it('fails with INVALID_CONFIG for an invalid config file', async () => {
    const file = path.join(dir, 'vth.config.json');
    writeFileSync(file, JSON.stringify({ fallbackOrder: 'node-pty' }));
    const created = await createContainer({ env: {}, cwd: dir, importModule: importNatively });
    expect(created.ok).toBe(false);
    expect(!created.ok && created.error.code).toBe('INVALID_CONFIG');
    expect(!created.ok && created.error.message).toBe(
      `invalid config ${file}: fallbackOrder: must be an array of backend types`,
    );
  });

  it('fails with INVALID_CONFIG when the package.json to discover from does not exist', async () => {
    const created = await createContainer({
      env: { VTH_PLUGINS_FROM: 'nowhere/package.json' },
      cwd: dir,
      importModule: importNatively,
    });
    expect(!created.ok && created.error.code).toBe('INVALID_CONFIG');
    expect(!created.ok && created.error.message).toContain(path.join(dir, 'nowhere', 'package.json'));
  });

  describe('the resolved commands, run in-process on the real node-pty backend', () => {
    let container: DependencyContainer;
    let stdout: ReturnType<typeof captureOutput>['stdout'];
    let stderr: ReturnType<typeof captureOutput>['stderr'];
    const signals = new EventEmitter() as EventEmitter & SignalSource;

    beforeEach(async () => {
      ({ container, stdout, stderr } = await build({ signals }));
    });

    it('BackendsCommand reports node-pty as usable', async () => {
      expect(await container.resolve(BackendsCommand).run({ json: true })).toBe(0);
      const report = JSON.parse(stdout()) as BackendsReport;
      expect(report.backends.find((b) => b.type === 'node-pty')).toMatchObject({ platform: { ok: true } });
    });

    it('ExecCommand writes the output to the registered Output and returns the exit code', async () => {
      const code = await container.resolve(ExecCommand).run({ command: ['echo', 'via DI;', '(exit 5)'] });
      expect(code).toBe(5);
      expect(stdout()).toBe('via DI\n');
    });

    it('ShellCommand reads the registered Input and stops on SIGTERM from the registered signal source', async () => {
      const input = new PassThrough();
      container.registerInstance(TOKENS.Input, input);
      const running = container.resolve(ShellCommand).run();
      input.write('cd /tmp\npwd\necho started; sleep 60\necho never\n');
      // Stop the shell once the sleep surely runs.
      await stdout.until((text) => text.includes('started\n'));
      signals.emit('SIGTERM');
      expect(await running).toBe(143);
      // After the output, only what bash itself prints when the sleep is interrupted (a newline).
      expect(stdout()).toMatch(/^\/tmp\nstarted\n\s*$/);
      expect(stderr()).toMatch(/^\[exit 0 · .*\]\n\[exit 0 · .*\]\n\[interrupted · .*\]\n$/);
      expect(signals.listenerCount('SIGTERM')).toBe(0);
    });
  });
});
