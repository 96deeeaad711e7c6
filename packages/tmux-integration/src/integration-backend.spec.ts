import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NodePtyBackend, plugin as nodePtyPlugin } from '@vth/backend-node-pty';
import { BackendFactory } from '@vth/factory';
import { type BackendManager } from '@vth/manager';
import { TmuxIntegration } from './tmux-integration';

jest.setTimeout(30_000);

const open: TmuxIntegration[] = [];
const backends: NodePtyBackend[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((i) => i.shutdown()));
  await Promise.all(backends.splice(0).map((b) => b.shutdown()));
});

async function readyBackend(): Promise<NodePtyBackend> {
  const backend = new NodePtyBackend();
  backends.push(backend);
  const init = await backend.initialize({});
  if (!init.ok) throw init.error;
  return backend;
}

async function ready(integration: TmuxIntegration): Promise<TmuxIntegration> {
  open.push(integration);
  await integration.initialize();
  return integration;
}

describe('TmuxIntegration relies on a manager for failover', () => {
  it('reaches sessions created elsewhere on an injected backend directly in reliability mode', async () => {
    const backend = await readyBackend();
    const integration = await ready(new TmuxIntegration({ backend, performanceMode: 'reliability' }));
    expect(integration.backend).toBe(backend);
    const foreign = await backend.createSession({ sessionId: 'foreign' });
    expect(foreign.ok).toBe(true);
    await integration.createSession('mine');

    expect((await integration.listSessions()).map((s) => s.id).sort()).toEqual(['foreign', 'mine']);
    await integration.switchSession('foreign');
    expect(await integration.executeCommand('echo "in foreign"')).toMatchObject({
      sessionId: 'foreign',
      output: 'in foreign\n',
    });
    const mine = await integration.executeCommand('echo mine', { sessionId: 'mine' });
    expect(mine).toMatchObject({ output: 'mine\n', backendId: backend.id });

    // Its own sessions end with it; the backend and the other session stay.
    await integration.shutdown();
    const left = await backend.listSessions();
    expect(left.ok && left.value.map((s) => s.id)).toEqual(['foreign']);
    expect((await backend.getHealth()).status).toBe('healthy');
  });

  it('shuts an injected backend it owns down, through its manager, in reliability mode', async () => {
    const backend = await readyBackend();
    const integration = await ready(
      new TmuxIntegration({ backend, ownsBackend: true, performanceMode: 'reliability' }),
    );
    await integration.executeCommand('true');
    await integration.shutdown();
    expect((await backend.getHealth()).status).toBe('unhealthy');
  });

  it('announces a session its own manager moved to a new shell as created, in reliability mode', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vth-ti-move-'));
    try {
      const factory = new BackendFactory({
        plugins: [nodePtyPlugin, { ...nodePtyPlugin, type: 'node-pty-b' }],
      });
      const integration = await ready(
        new TmuxIntegration({
          factory,
          fallbackBackends: ['node-pty', 'node-pty-b'],
          performanceMode: 'reliability',
        }),
      );
      await integration.createSession('work', { env: { KEEP: 'kept' } });
      await integration.executeCommand(`cd ${dir}`);
      const created: string[] = [];
      integration.on('session-created', (s) => created.push(s.id));

      const manager = integration.backend as BackendManager;
      const from = manager.backendOf('work')!;
      const drained = await manager.drain(from);
      expect(drained.ok && drained.value.moved).toBe(1);

      expect(created).toEqual(['work']);
      expect(integration.getActiveSession()).toMatchObject({ id: 'work', cwd: dir });
      const after = await integration.executeCommand('pwd; echo "$KEEP"');
      expect(after.output).toBe(`${dir}\nkept\n`);
      expect(manager.backendOf('work')).not.toBe(from);
      expect(integration.getPerformanceMetrics().sessions).toEqual({ active: 1, created: 2 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
