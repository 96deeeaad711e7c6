import { readFileSync } from 'node:fs';
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

const SESSIONS = 6;
/** The load's command timeout: a stopped pane's command must end by it. Bounds the test, not a claim. */
const TIMEOUT_MS = 3_000;

/** Fields 3 (state) and 5 (process group) of `/proc/<pid>/stat`; `undefined` once the process is gone. */
function procStat(pid: number): { state: string; pgrp: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch {
    // vth ended the stopped shell meanwhile (node-pty, below).
  }
}

/**
 * The process group of a pane's shell stopped with SIGSTOP under load, then continued with SIGCONT. It is
 * the shell's own group, not the foreground job's (bash takes a stopped job back, `[1]+ Stopped`, and
 * runs on: job control working, not a stopped pane). node-pty: the command in flight ends by its timeout,
 * the shell answers neither the timeout's Ctrl-C nor vth's marks, so vth ends it (`BACKEND_CRASHED`,
 * dispatched) and the manager moves the session with cwd and environment. tmux: the server continues a
 * pane process that stops (it sends SIGCONT itself), so its session never notices. Every other session
 * goes on, nothing is lost or run twice.
 */
describe('fault: a pane stopped with SIGSTOP, then continued', () => {
  it('node-pty: times out, the stopped shell is ended and its session moved; tmux resumes its pane itself', async () => {
    const lab = await FaultManager.start({
      backends: [
        { type: 'node-pty', id: 'pty' },
        { type: 'tmux', id: 'tmux' },
      ],
      strategy: 'round-robin',
    });
    const { manager } = lab;
    try {
      const load = await lab.startLoad({ sessions: SESSIONS, context: { timeoutMs: TIMEOUT_MS } });
      await load.untilEach(3);
      const [onPty, onTmux] = ['pty', 'tmux'].map((id) =>
        load.sessions.find((s) => manager.backendOf(s.id) === id)!,
      );
      const groups = [onPty!, onTmux!].map((s) => procStat(s.shellPid)!.pgrp);
      const watch = new FaultWatch(manager);
      watch.injected();
      const stoppedAt = performance.now();
      for (const group of groups) signalGroup(group, 'SIGSTOP');

      // node-pty: the stopped session's command ended without completing, and the session moved.
      const cut = await pollUntil(
        () =>
          load.records.filter(
            (r) => r.session === onPty!.index && r.kind !== 'completed' && r.endedAt > stoppedAt,
          ),
        (r) => r.length > 0 && watch.migrated.length > 0,
        { timeoutMs: WAIT_MS },
      );
      expect(cut.length).toBeGreaterThan(0);
      // tmux: its shell is running again without us (it is not in state T, stopped).
      expect(
        await pollUntil(
          () => procStat(onTmux!.shellPid)?.state,
          (state) => state !== 'T',
          { timeoutMs: WAIT_MS },
        ),
      ).not.toBe('T');
      const continuedAt = performance.now();
      for (const group of groups) signalGroup(group, 'SIGCONT');
      await load.untilEach(3, Math.max(continuedAt, ...watch.migrated.map((e) => e.at)));
      await load.stop();
      watch.stop();

      const report = load.report();
      expectNoSilentLoss(report);
      expectErrorsAmong(report, [
        'status timed-out',
        'status interrupted',
        'TIMEOUT dispatched',
        'BACKEND_CRASHED dispatched',
      ]);
      expect(report.records.filter((r) => r.kind !== 'completed' && r.session !== onPty!.index)).toEqual([]);
      expect(watch.migrated.map((e) => [e.sessionId, e.from, e.reason])).toEqual([
        [onPty!.id, 'pty', 'crashed'],
      ]);
      expect(manager.backendOf(onTmux!.id)).toBe('tmux');
      await expectRecovered(manager);
      printFigure('pane process group stopped (SIGSTOP), then SIGCONT', {
        detectedMs: Math.min(...cut.map((r) => r.endedAt)) - stoppedAt,
        moved: watch.migrated.length,
        report,
      });
    } finally {
      await lab.close();
    }
  }, 90_000);
});
