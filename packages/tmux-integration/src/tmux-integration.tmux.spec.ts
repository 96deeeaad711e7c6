import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { plugin as nodePtyPlugin } from '@vth/backend-node-pty';
import { plugin as tmuxPlugin } from '@vth/backend-tmux';
import { BackendFactory } from '@vth/factory';
import { TmuxIntegration } from './tmux-integration';

jest.setTimeout(30_000);

/** The facade on the backend it was made for: real tmux, on a socket a person could attach to. */
describe('TmuxIntegration on real tmux', () => {
  let dir: string;
  let socketPath: string;
  let integration: TmuxIntegration;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vth-facade-'));
    socketPath = path.join(dir, 'tmux.sock');
    // The "before" configuration of the README, plus a factory that knows the installed plugins.
    integration = new TmuxIntegration({
      socketPath,
      performanceMode: 'performance',
      fallbackBackends: ['node-pty'],
      factory: new BackendFactory({ plugins: [tmuxPlugin, nodePtyPlugin] }),
    });
    await integration.initialize();
  });

  afterAll(async () => {
    await integration.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('selects tmux, and its sessions are real tmux sessions on the given socket', async () => {
    expect(integration.backendType).toBe('tmux');
    const session = await integration.createSession('voice-terminal');
    expect(session.name).toBe('voice-terminal');
    const names = execFileSync('tmux', ['-S', socketPath, 'list-sessions', '-F', '#{session_name}'], {
      encoding: 'utf8',
    });
    expect(names).toContain('voice-terminal\n');
  });

  it('runs the legacy flow: command, output, history, metrics', async () => {
    const result = await integration.executeCommand('cd /tmp && echo hello-tmux');
    expect(result).toMatchObject({ success: true, exitCode: 0, output: 'hello-tmux\n', cwd: '/tmp' });
    expect(await integration.getOutput()).toContain('hello-tmux');
    expect(integration.getCommandHistory().at(-1)?.command).toBe('cd /tmp && echo hello-tmux');
    const metrics = integration.getPerformanceMetrics();
    expect(metrics.backendType).toBe('tmux');
    expect(metrics.commands.total).toBeGreaterThan(0);
  });

  it('types tmux key names with sendKeys', async () => {
    const pending = integration.executeCommand('read x; echo "got:$x"');
    await integration.sendKeys(['hello', 'Enter']);
    expect((await pending).output).toBe('got:hello\n');
  });

  it('kills sessions on the tmux server', async () => {
    const other = await integration.createSession('scratch');
    await integration.killSession(other.id);
    const names = execFileSync('tmux', ['-S', socketPath, 'list-sessions', '-F', '#{session_name}'], {
      encoding: 'utf8',
    });
    expect(names).not.toContain('scratch\n');
  });
});
