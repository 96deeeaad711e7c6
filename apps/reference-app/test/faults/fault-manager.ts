import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { plugin as containerPlugin } from '@vth/backend-container';
import { plugin as nodePtyPlugin } from '@vth/backend-node-pty';
import { plugin as remotePlugin } from '@vth/backend-remote';
import { plugin as tmuxPlugin } from '@vth/backend-tmux';
import { BackendFactory } from '@vth/factory';
import { BackendManager, type ManagerConfigInput } from '@vth/manager';
import { expectOk, listDescendantProcesses, pollUntil } from '@vth/testkit';
import { FaultLoad, type FaultLoadOptions } from './fault-load';

/** The test image of the container backend (built by tools/scripts/ensure-docker.sh). */
export const IMAGE = process.env['VTH_TEST_IMAGE'] ?? 'local/vth-sandbox:1';

/**
 * A manager over real backends for one fault test, with probes fast enough that a fault is seen and a
 * recovery noticed within a test (the delays bound waits, they are not claims), and a directory of its
 * own. `close()` shuts the manager down, checks that no process it started is left, and removes the
 * directory.
 *
 * @example
 * ```ts
 * const lab = await FaultManager.start({ backends: [{ type: 'node-pty', id: 'pty' }] });
 * try { ... } finally { await lab.close(); }
 * ```
 */
export class FaultManager {
  private readonly loads: FaultLoad[] = [];

  private constructor(
    readonly manager: BackendManager,
    readonly dir: string,
  ) {}

  static async start(config: ManagerConfigInput): Promise<FaultManager> {
    const manager = new BackendManager({
      factory: new BackendFactory({ plugins: [tmuxPlugin, nodePtyPlugin, containerPlugin, remotePlugin] }),
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'vth-faults-'));
    const lab = new FaultManager(manager, dir);
    try {
      expectOk(
        await manager.initialize({
          probe: { intervalMs: 200, timeoutMs: 5_000 },
          // A backend stays `degraded` while an error is in the window: 5 s, so recovery shows within a test.
          health: { windowMs: 5_000, consecutiveFailures: 2, baseEjectionMs: 300, recoveryProbes: 2 },
          ...config,
        }),
        'the manager',
      );
    } catch (error) {
      await lab.close();
      throw error;
    }
    return lab;
  }

  /** Starts a load on this manager, in its directory; `close()` stops it if the test did not. */
  async startLoad(options: Omit<FaultLoadOptions, 'manager' | 'dir'>): Promise<FaultLoad> {
    const load = await FaultLoad.start({ ...options, manager: this.manager, dir: this.dir });
    this.loads.push(load);
    return load;
  }

  /**
   * Stops the loads, shuts the manager down; then no process below this one is left (a killed server's
   * included) but the test's own helpers (`keep`, by pid).
   */
  async close(keep: number[] = []): Promise<void> {
    await Promise.all(this.loads.map((load) => load.stop()));
    await this.manager.shutdown();
    const left = await pollUntil(
      async () => (await listDescendantProcesses()).filter((p) => !keep.includes(Number.parseInt(p, 10))),
      (l) => l.length === 0,
      { timeoutMs: 10_000 },
    );
    rmSync(this.dir, { recursive: true, force: true });
    expect(left).toEqual([]);
  }
}
