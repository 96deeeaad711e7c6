import { pollUntil } from '@vth/testkit';
import { FaultManager } from './fault-manager';
import {
  expectErrorsAmong,
  expectNoSilentLoss,
  expectRecovered,
  FaultWatch,
  printFigure,
  WAIT_MS,
} from './fault-outcome';
import { tmuxServerPid, tmuxSocket } from './tmux-lookup';

const SESSIONS = 8;

/**
 * The tmux server killed with SIGKILL under load: every session moves to the second backend with its cwd
 * and environment; the commands that were running answer `BACKEND_CRASHED` (dispatched), none runs twice;
 * the tmux backend is rebuilt, probed back into rotation and takes new sessions again.
 */
describe('fault: the tmux server killed (SIGKILL) under load', () => {
  it('fails every session over to node-pty with cwd and env; then tmux comes back', async () => {
    const lab = await FaultManager.start({
      backends: [
        { type: 'tmux', id: 'tmux' },
        { type: 'node-pty', id: 'pty' },
      ],
      strategy: 'primary-fallback',
    });
    const { manager } = lab;
    try {
      const load = await lab.startLoad({ sessions: SESSIONS });
      expect(load.sessions.map((s) => manager.backendOf(s.id))).toEqual(Array(SESSIONS).fill('tmux'));
      await load.untilEach(3);
      const serverPid = tmuxServerPid(tmuxSocket(manager, 'tmux'));
      const watch = new FaultWatch(manager);
      watch.injected();
      process.kill(serverPid, 'SIGKILL');

      const moved = await pollUntil(
        () => watch.migrated,
        (m) => m.length >= SESSIONS,
        { timeoutMs: WAIT_MS },
      );
      expect(moved.map((e) => e.sessionId).sort()).toEqual(load.sessions.map((s) => s.id).sort());
      for (const e of moved)
        expect(e).toMatchObject({ from: 'tmux', to: 'pty', reason: 'crashed', untracked: [] });
      await load.untilEach(3, Math.max(...moved.map((e) => e.at)));
      await load.stop();
      watch.stop();

      const report = load.report();
      expectNoSilentLoss(report);
      expectErrorsAmong(report, ['BACKEND_CRASHED dispatched']);
      expect(load.sessions.map((s) => manager.backendOf(s.id))).toEqual(Array(SESSIONS).fill('pty'));
      await expectRecovered(manager);
      printFigure('tmux server killed (SIGKILL)', {
        detectedMs: watch.detectedAfterMs(),
        moved: moved.length,
        report,
      });
    } finally {
      await lab.close();
    }
  }, 90_000);
});
