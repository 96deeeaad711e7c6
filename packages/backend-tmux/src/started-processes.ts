import {
  commandLine,
  endProcesses,
  isRunning,
  processRef,
  waitForExit,
  type ProcessRef,
} from './process-exit';
import { paneProcesses, readProcesses, type ProcessEntry } from './tmux-processes';

/** Reads of the process table at shutdown, each ending what it found; the last finds nothing new. */
const END_ROUNDS = 4;

/**
 * The processes a tmux backend is answerable for: the server when it started it, the shells of the panes
 * it made (the control pane's included) and what runs under them, found again at shutdown by their
 * terminal session and by the TMUX variable tmux gives every pane (`<socket>,<server pid>,<session>`).
 *
 * @example
 * ```ts
 * const started = new StartedProcesses();
 * started.server(serverPid, socketPath, true);
 * started.shell(panePid);
 * const left = await started.endAll({ socketPath, ownsServer: true, graceMs: 500 }); // [] when all gone
 * ```
 */
export class StartedProcesses {
  /** The server vth started: the one process it may end by pid. */
  private owned: ProcessRef | null = null;
  /** Every server pid seen on the socket (a restarted server has a new one). */
  private readonly serverPids = new Set<number>();
  private readonly shells = new Map<number, ProcessRef>();
  /** `<n>` of the `$<n>` ids of the tmux sessions vth made. */
  private readonly sessionNumbers = new Set<number>();

  /** The server on `socketPath` has this pid; `owned` when vth started it. */
  server(pid: number, socketPath: string, owned: boolean): void {
    this.serverPids.add(pid);
    // A server vth started was forked from its client, whose command line names the socket: a pid that does
    // not is not provably ours to end (another pid namespace, a wrapper script), so it is never signalled.
    if (owned && commandLine(pid)?.includes(`-S ${socketPath} `)) this.owned = processRef(pid);
  }

  /** Is the server vth started still running? (`false` when it started none.) */
  get serverRunning(): boolean {
    return this.owned !== null && isRunning(this.owned);
  }

  /** A pane's shell (the leader of the pane's terminal session) was started. */
  shell(pid: number): void {
    const ref = processRef(pid);
    if (ref) this.shells.set(pid, ref);
  }

  /** Stops watching a pane's shell once it is gone. */
  forgetShellIfGone(pid: number): void {
    const ref = this.shells.get(pid);
    if (ref && !isRunning(ref)) this.shells.delete(pid);
  }

  /** A tmux session (`$<n>`) was made by vth. */
  session(tmuxId: string): void {
    this.sessionNumbers.add(Number(tmuxId.slice(1)));
  }

  /**
   * Ends them all and waits until they are gone; returns what could not be ended. A server of ours was
   * asked to exit (`kill-server`); one still running after `graceMs` gets SIGKILL (not SIGTERM: tmux answers
   * it with the same exit as `kill-server`, which costs it a fork per pane for utmp, seconds for thousands
   * of panes). Its death hangs up every pane's terminal. Pane processes get SIGHUP and, after `graceMs`,
   * SIGKILL. On a shared server only processes of the sessions vth made are touched. /proc is read once
   * per round for all panes, in rounds until one finds nothing left.
   */
  async endAll(o: { socketPath: string; ownsServer: boolean; graceMs: number }): Promise<ProcessRef[]> {
    const server = o.ownsServer ? this.owned : null;
    const serverLeft = server
      ? await endProcesses(await waitForExit([server], o.graceMs), ['SIGKILL'], o.graceMs)
      : [];
    // A process caught mid-fork when the table was read (`setsid cmd &` forks once more, then leaves the
    // pane's session) shows up only in a later read: read again until a read finds nothing of ours.
    let panesLeft: ProcessRef[] = [];
    for (let round = 0; round < END_ROUNDS; round++) {
      const found = this.paneProcessesNow(o.socketPath, o.ownsServer, server?.pid);
      if (found.length === 0) break;
      panesLeft = await endProcesses(found, ['SIGHUP', 'SIGKILL'], o.graceMs);
    }
    this.shells.clear();
    return [...serverLeft, ...panesLeft];
  }

  /** What runs in the panes now: members of the shells' terminal sessions, and what names the server in TMUX. */
  private paneProcessesNow(
    socketPath: string,
    ownsServer: boolean,
    serverPid: number | undefined,
  ): ProcessRef[] {
    const table = readProcesses();
    const panes = new Map<number, ProcessRef>();
    for (const p of this.sessionMembers(table)) panes.set(p.pid, p);
    // Processes that left their pane's terminal session (setsid) still name server and session in TMUX.
    const ours = (pid: number, session: number) =>
      this.serverPids.has(pid) && (ownsServer || this.sessionNumbers.has(session));
    for (const pid of paneProcesses(socketPath, ours, table)) {
      const ref = processRef(pid);
      if (ref && ref.pid !== serverPid) panes.set(pid, ref);
    }
    return [...panes.values()];
  }

  /**
   * Every process of the terminal sessions the pane shells led: the shells, their jobs, whatever they
   * started (a process that called setsid() itself excepted). A session id is not reused while a member
   * lives, so orphans of a shell that is gone are still found; a shell whose pid now belongs to another
   * process has no session left.
   */
  private sessionMembers(table: readonly ProcessEntry[]): ProcessRef[] {
    const byPid = new Map(table.map((e) => [e.pid, e]));
    const leaders = new Set<number>();
    for (const shell of this.shells.values()) {
      const now = byPid.get(shell.pid);
      if (!now || now.startTime === shell.startTime) leaders.add(shell.pid);
    }
    return table.filter((e) => leaders.has(e.session)).map((e) => ({ pid: e.pid, startTime: e.startTime }));
  }
}
