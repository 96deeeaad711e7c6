import { readProcesses } from './tmux-processes';

/**
 * Ends what a dropped pane's shell left running (its terminal session's members), `graceMs` after the pane
 * went: the shell had its hangup by then. Panes dropped together are reaped together, with one read of
 * /proc and one timer: a read per pane costs a pass over every process of the machine each, which for
 * thousands of panes blocks the event loop for seconds.
 *
 * @example
 * ```ts
 * const reaper = new PaneReaper(() => 500, (pid) => started.forgetShellIfGone(pid));
 * reaper.add(pane.pid);
 * reaper.cancel(); // at shutdown, which ends every process itself
 * ```
 */
export class PaneReaper {
  /** Shell pids, and when each is due. */
  private readonly due = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly graceMs: () => number,
    private readonly reaped: (shellPid: number) => void,
  ) {}

  /** Reaps the session of `shellPid` once its grace has passed. */
  add(shellPid: number): void {
    this.due.set(shellPid, Date.now() + this.graceMs());
    this.timer ??= setTimeout(() => this.reapDue(), this.graceMs());
  }

  /** Reaps every waiting session now (the server is gone: no grace left to give). */
  reapAll(): void {
    this.reap([...this.due.keys()]);
  }

  /** Forgets the waiting sessions and clears the timer (shutdown ends every process itself). */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.due.clear();
  }

  private reapDue(): void {
    this.timer = undefined;
    const now = Date.now();
    this.reap([...this.due].filter(([, at]) => at <= now).map(([pid]) => pid));
    if (this.due.size > 0) {
      const next = Math.min(...this.due.values());
      this.timer = setTimeout(() => this.reapDue(), Math.max(0, next - now));
    }
  }

  private reap(shells: number[]): void {
    if (shells.length === 0) return;
    for (const pid of shells) this.due.delete(pid);
    const leaders = new Set(shells);
    for (const p of readProcesses()) {
      if (!leaders.has(p.session)) continue;
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // Exited meanwhile.
      }
    }
    for (const pid of shells) this.reaped(pid);
  }
}
