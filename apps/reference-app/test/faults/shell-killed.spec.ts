import { FaultManager } from './fault-manager';
import {
  expectErrorsAmong,
  expectNoSilentLoss,
  expectRecovered,
  FaultWatch,
  printFigure,
  WAIT_MS,
} from './fault-outcome';
import { pollUntil } from '@vth/testkit';

const SESSIONS = 8;
const VICTIMS = 2;

/**
 * A session's shell killed with SIGKILL while its command runs: the design moves that session (and only
 * it) to another backend with its cwd and environment; its command in flight answers `BACKEND_CRASHED`,
 * dispatched; the other sessions never notice.
 */
describe.each(['pty', 'tmux'])('fault: a session shell on %s killed with SIGKILL under load', (victim) => {
  it('moves the killed sessions with cwd and env; no command lost or run twice; the pool stays healthy', async () => {
    const lab = await FaultManager.start({
      backends: [
        { type: 'node-pty', id: 'pty' },
        { type: 'tmux', id: 'tmux' },
      ],
      strategy: 'round-robin',
    });
    const { manager } = lab;
    try {
      const load = await lab.startLoad({ sessions: SESSIONS, pause: 'sleep 0.1' });
      await load.untilEach(3);
      const victims = load.sessions.filter((s) => manager.backendOf(s.id) === victim).slice(0, VICTIMS);
      expect(victims).toHaveLength(VICTIMS);
      const watch = new FaultWatch(manager);
      watch.injected();
      for (const s of victims) process.kill(s.shellPid, 'SIGKILL');

      const moved = await pollUntil(
        () => watch.migrated.map((e) => e.sessionId),
        (ids) => ids.length >= VICTIMS,
        { timeoutMs: WAIT_MS },
      );
      expect(moved.sort()).toEqual(victims.map((s) => s.id).sort());
      for (const e of watch.migrated)
        expect(e).toMatchObject({ from: victim, reason: 'crashed', untracked: [] });
      // Each moved session, and every other one, goes on with its cwd and variable (checked in each output).
      await load.untilEach(3, Math.max(...watch.migrated.map((e) => e.at)));
      await load.stop();
      watch.stop();

      const report = load.report();
      expectNoSilentLoss(report);
      expectErrorsAmong(report, ['BACKEND_CRASHED dispatched']);
      // Only the killed shells' commands failed, one each at most.
      const failed = report.records.filter((r) => r.kind !== 'completed');
      expect(failed.filter((r) => !victims.some((v) => v.index === r.session))).toEqual([]);
      expect(failed.length).toBeLessThanOrEqual(VICTIMS);
      await expectRecovered(manager);
      printFigure(`shell of a ${victim} session killed (SIGKILL) x${VICTIMS}`, {
        detectedMs: watch.detectedAfterMs(),
        moved: moved.length,
        report,
      });
    } finally {
      await lab.close();
    }
  }, 90_000);
});
