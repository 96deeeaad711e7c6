import { randomBytes } from 'node:crypto';
import { pollUntil } from '@vth/testkit';
import { leftoverProcesses, TAG_VARIABLE } from '../../src/test-support/cli-process.fixture';
import { serveCli, type ServedCli } from '../../src/test-support/served-cli.fixture';
import { FaultManager } from './fault-manager';
import {
  expectErrorsAmong,
  expectNoSilentLoss,
  expectRecovered,
  FaultWatch,
  printFigure,
  WAIT_MS,
} from './fault-outcome';

const SESSIONS = 6;

/**
 * The `vth serve` process a remote backend talks to, killed with SIGKILL under load: the remote backend
 * hears the refusal, ends its sessions, and the manager moves them to the local backend with cwd and
 * environment; the commands that were running answer typed errors, dispatched, and none runs twice. A
 * server started again on the same port brings the remote backend back.
 */
describe('fault: the server process (vth serve) killed under load', () => {
  it('moves the remote sessions to node-pty with cwd and env; the remote backend comes back with its server', async () => {
    const tag = randomBytes(8).toString('hex');
    const env = { VTH_BACKEND: 'node-pty', [TAG_VARIABLE]: tag };
    let server: ServedCli | undefined = await serveCli(env);
    const lab = await FaultManager.start({
      backends: [
        { type: 'remote', id: 'far', config: { url: server.url } },
        { type: 'node-pty', id: 'near' },
      ],
      strategy: 'primary-fallback',
    });
    const { manager } = lab;
    try {
      const load = await lab.startLoad({ sessions: SESSIONS });
      expect(load.sessions.map((s) => manager.backendOf(s.id))).toEqual(Array(SESSIONS).fill('far'));
      await load.untilEach(3);
      const watch = new FaultWatch(manager);
      watch.injected();
      await server.kill('SIGKILL');

      const moved = await pollUntil(
        () => watch.migrated,
        (m) => m.length >= SESSIONS,
        { timeoutMs: WAIT_MS },
      );
      expect(moved.map((e) => e.sessionId).sort()).toEqual(load.sessions.map((s) => s.id).sort());
      for (const e of moved)
        expect(e).toMatchObject({ from: 'far', to: 'near', reason: 'crashed', untracked: [] });
      await load.untilEach(3, Math.max(...moved.map((e) => e.at)));
      await load.stop();
      watch.stop();

      const report = load.report();
      expectNoSilentLoss(report);
      expectErrorsAmong(report, ['BACKEND_CRASHED dispatched', 'UNAVAILABLE dispatched']);
      // The killed server's shells died with it (their terminals closed).
      expect(
        await pollUntil(
          () => leftoverProcesses(tag),
          (l) => l.length === 0,
          { timeoutMs: 10_000 },
        ),
      ).toEqual([]);

      // The same server comes back on its port: the remote backend reconnects and the pool is whole.
      server = await serveCli(env, Number(new URL(server.url).port));
      await expectRecovered(manager);
      printFigure('server process (vth serve) killed (SIGKILL)', {
        detectedMs: watch.detectedAfterMs(),
        moved: moved.length,
        report,
      });
    } finally {
      // The server first: the manager's leak check counts every process below this one.
      await server?.stop();
      await lab.close();
      expect(leftoverProcesses(tag)).toEqual([]);
    }
  }, 120_000);
});
