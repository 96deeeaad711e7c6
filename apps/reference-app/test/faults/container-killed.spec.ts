import { execFileSync } from 'node:child_process';
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
const VICTIMS = 2;

/**
 * A session's container killed (`docker kill`) under load: its command in flight answers
 * `BACKEND_CRASHED` (dispatched), the session moves to node-pty with its cwd and environment, the other
 * container sessions never notice, and nothing ran twice (the ledger is each command's first output line,
 * counted in the manager's output events: a container cannot reach a file of this machine).
 */
describe('fault: a session container killed (docker kill) under load', () => {
  it('moves the killed sessions to node-pty with cwd and env; the others go on; none lost or run twice', async () => {
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
      const victims = load.sessions.slice(0, VICTIMS);
      // A container's hostname is its id (runs between two commands of the load on that session).
      const containers = new Map<string, string>();
      for (const s of victims)
        containers.set(s.id, expectOk(await manager.executeCommand(s.id, 'cat /etc/hostname')).output.trim());
      const watch = new FaultWatch(manager);
      watch.injected();
      execFileSync('docker', ['kill', ...victims.map((s) => containers.get(s.id)!)], { stdio: 'ignore' });

      const moved = await pollUntil(
        () => watch.migrated,
        (m) => m.length >= VICTIMS,
        { timeoutMs: WAIT_MS },
      );
      expect(moved.map((e) => e.sessionId).sort()).toEqual(victims.map((s) => s.id).sort());
      for (const e of moved)
        expect(e).toMatchObject({ from: 'ctr', to: 'pty', reason: 'crashed', untracked: [] });
      await load.untilEach(3, Math.max(...moved.map((e) => e.at)));
      await load.stop();
      watch.stop();

      const report = load.report();
      expectNoSilentLoss(report);
      expectErrorsAmong(report, ['BACKEND_CRASHED dispatched']);
      const failed = report.records.filter((r) => r.kind !== 'completed');
      expect(failed.filter((r) => !victims.some((v) => v.index === r.session))).toEqual([]);
      expect(load.sessions.map((s) => manager.backendOf(s.id))).toEqual([
        ...Array(VICTIMS).fill('pty'),
        ...Array(SESSIONS - VICTIMS).fill('ctr'),
      ]);
      await expectRecovered(manager);
      printFigure(`session container killed (docker kill) x${VICTIMS}`, {
        detectedMs: watch.detectedAfterMs(),
        moved: moved.length,
        report,
      });
    } finally {
      await lab.close();
    }
  }, 120_000);
});
