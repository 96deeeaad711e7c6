import { randomBytes } from 'node:crypto';
import { leftoverProcesses, TAG_VARIABLE } from '../../src/test-support/cli-process.fixture';
import { serveCli, type ServedCli } from '../../src/test-support/served-cli.fixture';
import { FaultManager } from './fault-manager';
import { expectNoSilentLoss, expectRecovered, FaultWatch, printFigure } from './fault-outcome';

const SESSIONS = 9;
const BLOCK_MS = 2_000;

/** A busy loop on this thread: no timer, no socket, no child's output is handled until it ends. */
function blockEventLoop(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // spin
  }
}

/**
 * The manager's own event loop blocked for 2 s under load (a synchronous hog in the host program): probes,
 * heartbeats and command timers all fire late at once. No healthy backend may be declared dead for good,
 * no session moves, and every command in flight completes with exactly its output.
 */
describe('fault: the event loop of the manager blocked for 2 s under load', () => {
  it('commands in flight complete exactly; no session moves; the pool is healthy after', async () => {
    const tag = randomBytes(8).toString('hex');
    const server: ServedCli = await serveCli({ VTH_BACKEND: 'node-pty', [TAG_VARIABLE]: tag });
    const lab = await FaultManager.start({
      backends: [
        { type: 'tmux', id: 'tmux' },
        { type: 'node-pty', id: 'pty' },
        { type: 'remote', id: 'far', config: { url: server.url } },
      ],
      strategy: 'round-robin',
    });
    const { manager } = lab;
    try {
      const load = await lab.startLoad({ sessions: SESSIONS, pause: 'sleep 0.2' });
      await load.untilEach(3);
      const watch = new FaultWatch(manager);
      watch.injected();
      blockEventLoop(BLOCK_MS);
      const unblockedAt = performance.now();
      await load.untilEach(3, unblockedAt);
      await load.stop();
      watch.stop();

      const report = load.report();
      expectNoSilentLoss(report);
      expect(report.errors).toEqual({});
      expect(watch.migrated).toEqual([]);
      await expectRecovered(manager);
      printFigure(`event loop blocked ${BLOCK_MS} ms (backends ejected meanwhile: ${watch.ejected.length})`, {
        detectedMs: watch.detectedAfterMs(),
        moved: watch.migrated.length,
        report,
      });
    } finally {
      await server.stop();
      await lab.close();
      expect(leftoverProcesses(tag)).toEqual([]);
    }
  }, 120_000);
});
