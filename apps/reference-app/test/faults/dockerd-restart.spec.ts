import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expectOk, pollUntil } from '@vth/testkit';
import { FaultManager, IMAGE } from './fault-manager';
import {
  expectErrorsAmong,
  expectNoSilentLoss,
  expectRecovered,
  FaultWatch,
  printFigure,
  WAIT_MS,
} from './fault-outcome';

const SESSIONS = 4;
const ENSURE_DOCKER = path.join(__dirname, '../../../../tools/scripts/ensure-docker.sh');

function dockerdPid(): number | undefined {
  try {
    const pid = Number(readFileSync('/var/run/docker.pid', 'utf8').trim());
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/**
 * The Docker Engine stopped (SIGTERM to dockerd, as an operator would: it stops its containers) under load,
 * then started again the way the tests start it: the container backend turns unhealthy, its sessions move
 * to node-pty with their environment and working directory, commands cut short answer typed errors, none
 * runs twice; once the engine answers again the backend is probed back and takes new sessions. Other
 * tests on this machine may use the engine: this one stops it for a few seconds only.
 */
describe('fault: dockerd stopped and started again under load', () => {
  afterAll(() => {
    if (dockerdPid() === undefined) execFileSync('bash', [ENSURE_DOCKER], { stdio: 'ignore' });
  }, 120_000);

  it('fails container sessions over to node-pty; typed errors; the engine is taken back after its restart', async () => {
    const lab = await FaultManager.start({
      backends: [
        { type: 'container', id: 'ctr', config: { image: IMAGE } },
        { type: 'node-pty', id: 'pty' },
      ],
      strategy: 'primary-fallback',
    });
    const { manager } = lab;
    try {
      const load = await lab.startLoad({ sessions: SESSIONS, ledger: 'output', workDir: () => '/tmp' });
      expect(load.sessions.map((s) => manager.backendOf(s.id))).toEqual(Array(SESSIONS).fill('ctr'));
      await load.untilEach(3);
      const pid = dockerdPid();
      expect(pid).toBeDefined();
      const watch = new FaultWatch(manager);
      watch.injected();
      process.kill(pid!, 'SIGTERM');

      const moved = await pollUntil(
        () => watch.migrated,
        (m) => m.length >= SESSIONS,
        { timeoutMs: WAIT_MS },
      );
      expect(moved.map((e) => e.sessionId).sort()).toEqual(load.sessions.map((s) => s.id).sort());
      for (const e of moved) expect(e).toMatchObject({ from: 'ctr', to: 'pty', reason: 'crashed' });
      await load.untilEach(3, Math.max(...moved.map((e) => e.at)));
      await pollUntil(
        () => dockerdPid(),
        (p) => p === undefined,
        { timeoutMs: WAIT_MS },
      );
      // The engine is gone: the backend says so, and the manager reports the pool as not whole.
      await pollUntil(
        () => watch.health,
        (h) => h.includes('ctr unhealthy'),
        { timeoutMs: WAIT_MS },
      );
      expect(watch.health).toContain('ctr unhealthy');
      expect((await manager.getHealth()).status).not.toBe('healthy');
      const meanwhile = expectOk(await manager.createSession());
      expect(manager.backendOf(meanwhile.id)).toBe('pty');
      expectOk(await manager.destroySession(meanwhile.id));

      execFileSync('bash', [ENSURE_DOCKER], { stdio: 'ignore' });
      await load.stop();
      watch.stop();
      const report = load.report();
      expectNoSilentLoss(report);
      expectErrorsAmong(report, ['BACKEND_CRASHED dispatched', 'UNAVAILABLE dispatched']);
      await expectRecovered(manager);
      const fresh = expectOk(await manager.createSession());
      expect(manager.backendOf(fresh.id)).toBe('ctr');
      printFigure('dockerd stopped (SIGTERM) and restarted', {
        detectedMs: watch.detectedAfterMs(),
        moved: moved.length,
        report,
      });
    } finally {
      await lab.close();
    }
  }, 180_000);
});
