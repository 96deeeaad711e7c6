import { execFileSync } from 'node:child_process';
import { plugin as nodePtyPlugin } from '@vth/backend-node-pty';
import { listTmuxProcesses, plugin as tmuxPlugin, type TmuxBackend } from '@vth/backend-tmux';
import { expectOk, listDescendantProcesses, pollUntil } from '@vth/testkit';
import { BackendManager, type ManagerConfigInput } from '../src';
import { RecordingFactory } from './recording-factory';

/*
 * `shutdown()` of a manager resolves only once every backend it created has shut down: nothing of it may
 * run a moment later (a CLI exits right after). Checked: every backend the factory created has completed
 * its shutdown, no process runs below this one, and no tmux server or pane runs on their sockets.
 */

const FAST_PROBES = { enabled: false, timeoutMs: 5000 } as const;

let factory: RecordingFactory;
let manager: BackendManager | undefined;

beforeEach(() => {
  factory = new RecordingFactory({ plugins: [tmuxPlugin, nodePtyPlugin] });
});

afterEach(async () => {
  await manager?.shutdown();
  manager = undefined;
});

async function start(config: ManagerConfigInput): Promise<BackendManager> {
  manager = new BackendManager({ factory });
  expectOk(await manager.initialize({ probe: FAST_PROBES, ...config }));
  return manager;
}

async function expectNothingLeft(): Promise<void> {
  // The manager's part, at once: every backend it created has completed its shutdown.
  expect(factory.notShutDown()).toEqual([]);
  expect(await listDescendantProcesses()).toEqual([]);
  // TmuxBackend.shutdown() resolves only once its server and panes have exited: no grace here either.
  expect(listTmuxProcesses(factory.tmuxSockets())).toEqual([]);
}

/** Kills the tmux server of pool backend `id` from outside, and waits until its backend knows. */
async function killTmuxServer(m: BackendManager, id: string): Promise<TmuxBackend> {
  const dead = m.instanceOf(id) as TmuxBackend;
  execFileSync('tmux', ['-S', dead.socket, 'kill-server']);
  await pollUntil(
    () => dead.getHealth(),
    (h) => h.status === 'unhealthy',
    { timeoutMs: 10_000 },
  );
  return dead;
}

describe('BackendManager.shutdown with real tmux', () => {
  it('shuts down the tmux backend of an experiment variant that never held a session', async () => {
    const m = await start({
      backends: [{ type: 'node-pty', id: 'pty' }],
      experiments: [
        {
          name: 'trial',
          variants: [
            { name: 'control', weight: 1, backends: [{ type: 'node-pty' }] },
            { name: 'tmux', weight: 0, backends: [{ type: 'tmux' }] },
          ],
        },
      ],
    });
    // Probe sessions in every backend, the tmux variant's too.
    await m.probeNow();
    const s = expectOk(await m.createSession({}, { userId: 'alice' }));
    expect(m.backendOf(s.id)).toBe('trial.control.node-pty');
    expect(factory.tmuxSockets()).toHaveLength(1);
    expect(listTmuxProcesses(factory.tmuxSockets())).not.toEqual([]);
    await m.shutdown();
    await expectNothingLeft();
  });

  it('shuts down the backend it rebuilt after a tmux server died', async () => {
    const m = await start({
      backends: [
        { type: 'tmux', id: 'tmux' },
        { type: 'node-pty', id: 'pty' },
      ],
    });
    const dead = await killTmuxServer(m, 'tmux');
    await m.probeNow();
    const rebuilt = m.instanceOf('tmux') as TmuxBackend;
    expect(rebuilt).not.toBe(dead);
    expect((await rebuilt.getHealth()).status).toBe('healthy');
    await m.shutdown();
    await expectNothingLeft();
  });

  /**
   * Starts something that creates a backend, holds that creation (the tmux server runs, the manager does not
   * have it yet), calls shutdown, and checks that it waits for the creation and then shuts the backend down.
   */
  async function shutdownDuring(
    m: BackendManager,
    creates: () => Promise<unknown>,
  ): Promise<{ settled: unknown }> {
    const held = factory.holdNext('tmux');
    try {
      const creating = creates();
      await held.created;
      let stopped = false;
      const stopping = m.shutdown().then(() => (stopped = true));
      // Everything the manager holds shuts down; only the creation in flight is left.
      await pollUntil(
        () => factory.notShutDown(),
        (ids) => ids.length === 1,
        { timeoutMs: 10_000 },
      );
      await new Promise((resolve) => setImmediate(resolve));
      expect(stopped).toBe(false);
      held.release();
      await stopping;
      await expectNothingLeft();
      return { settled: await creating };
    } finally {
      held.release();
    }
  }

  it('waits for a rebuild in progress, then shuts the rebuilt backend down', async () => {
    const m = await start({
      backends: [
        { type: 'tmux', id: 'tmux' },
        { type: 'node-pty', id: 'pty' },
      ],
    });
    await killTmuxServer(m, 'tmux');
    await shutdownDuring(m, () => m.probeNow());
  });

  it('waits for a hot swap whose replacement is being created, then shuts the replacement down', async () => {
    const m = await start({ backends: [{ type: 'node-pty', id: 'shell' }] });
    const { settled } = await shutdownDuring(m, () => m.hotSwap('shell', { type: 'tmux' }));
    expect(settled).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
  });

  it('waits for an experiment whose variant is being created, then shuts the variant down', async () => {
    const m = await start({ backends: [{ type: 'node-pty', id: 'pty' }] });
    const { settled } = await shutdownDuring(m, () =>
      m.startExperiment({
        name: 'late',
        variants: [
          { name: 'control', backends: [{ type: 'node-pty' }] },
          { name: 'tmux', backends: [{ type: 'tmux' }] },
        ],
      }),
    );
    expect(settled).toMatchObject({ ok: false });
  });

  it('waits for a backend being added, then shuts it down', async () => {
    const m = await start({ backends: [{ type: 'node-pty', id: 'pty' }] });
    const { settled } = await shutdownDuring(m, () => m.addBackend({ type: 'tmux', id: 'late' }));
    expect(settled).toMatchObject({ ok: false });
  });
});
