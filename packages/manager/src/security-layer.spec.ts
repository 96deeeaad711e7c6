import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plugin as nodePtyPlugin } from '@vth/backend-node-pty';
import { BackendFactory } from '@vth/factory';
import { MemoryAuditSink } from '@vth/security';
import { expectFailure, expectOk } from '@vth/testkit';
import { BackendManager } from './backend-manager';
import { type ManagerConfigInput } from './manager-config';

jest.setTimeout(30_000);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vth-manager-layer-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A manager over real node-pty backends; shut down after `use`. */
async function withManager(
  config: ManagerConfigInput,
  use: (manager: BackendManager) => Promise<void>,
): Promise<void> {
  const manager = new BackendManager({ factory: new BackendFactory({ plugins: [nodePtyPlugin] }) });
  try {
    expectOk(await manager.initialize(config));
    await use(manager);
  } finally {
    await manager.shutdown();
  }
}

/** What the manager knows of a backend's health: failures in a row, in rotation or not. */
const health = (manager: BackendManager, id: string) => manager.getMetrics().backends[id]?.health;

const never = (capacity: number) => ({ capacity, refillPerSecond: 0.001 });

describe('security beside a backend spec (real node-pty)', () => {
  it('puts the security layer in front of that backend, and only that one', async () => {
    const noTouch = { commands: { rules: [{ name: 'no-touch', program: 'touch' }] } };
    const config: ManagerConfigInput = {
      backends: [
        { type: 'node-pty', id: 'guarded', security: noTouch },
        { type: 'node-pty', id: 'open' },
      ],
      probe: { enabled: false },
    };
    await withManager(config, async (manager) => {
      const guarded = expectOk(await manager.createSession({ cwd: dir }));
      expect(manager.backendOf(guarded.id)).toBe('guarded');
      const target = join(dir, 'guarded');
      const refused = await manager.executeCommand(guarded.id, `touch ${target}`);
      expectFailure(refused, 'FORBIDDEN', { dispatched: false });
      expect(existsSync(target)).toBe(false);
      // A refusal says nothing about the backend's health.
      expect(health(manager, 'guarded')).toMatchObject({ consecutiveFailures: 0, ejected: false });

      expectOk(await manager.drain('guarded', { mode: 'move' }));
      expect(manager.backendOf(guarded.id)).toBe('open');
      expectOk(await manager.executeCommand(guarded.id, `touch ${target}`));
      expect(existsSync(target)).toBe(true);
    });
  });

  it('refuses bad settings at initialize, naming the path', async () => {
    const manager = new BackendManager({ factory: new BackendFactory({ plugins: [nodePtyPlugin] }) });
    const started = await manager.initialize({
      backends: [{ type: 'node-pty', security: { rateLimit: { perUser: { capacity: 0 } }, commands: {} } }],
    } as never);
    const error = expectFailure(started, 'INVALID_CONFIG');
    expect(error.details?.['issues']).toEqual(
      expect.arrayContaining([
        'config.backends[0].security.rateLimit.perUser.capacity: must be greater than 0',
        'config.backends[0].security.commands: must name a preset or at least one rule',
      ]),
    );
    await manager.shutdown();
  });
});

describe('health probes run as their own identity', () => {
  it('an anonymous flood that empties the anonymous bucket does not fail the probes', async () => {
    const sink = new MemoryAuditSink();
    const config: ManagerConfigInput = {
      backends: [{ type: 'node-pty', security: { rateLimit: { perUser: never(3) }, auditSink: sink } }],
      // One failure in a row would eject the backend; probes run only when asked.
      health: { consecutiveFailures: 1 },
      probe: { intervalMs: 3_600_000 },
    };
    await withManager(config, async (manager) => {
      const s = expectOk(await manager.createSession());
      let refused = 0;
      for (let i = 0; i < 5; i++) if (!(await manager.executeCommand(s.id, 'true')).ok) refused++;
      expect(refused).toBeGreaterThan(0);
      await manager.probeNow();
      expect(health(manager, 'node-pty')).toMatchObject({ consecutiveFailures: 0, ejected: false });
      const probes = sink.records.filter((r) => r.source === 'probe');
      expect(probes.length).toBeGreaterThan(0);
      expect(probes.every((r) => r.userId === 'vth-probe' && r.outcome === 'completed')).toBe(true);
    });
  });

  it('takes its identity from probe.userId', async () => {
    const sink = new MemoryAuditSink();
    const config: ManagerConfigInput = {
      backends: [{ type: 'node-pty', security: { auditSink: sink } }],
      probe: { intervalMs: 3_600_000, userId: 'health-checker' },
    };
    await withManager(config, async (manager) => {
      await manager.probeNow();
      expect(sink.records.at(-1)).toMatchObject({ userId: 'health-checker', source: 'probe' });
    });
  });
});
