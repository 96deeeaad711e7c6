import { readFile } from 'node:fs/promises';
import {
  parseProcessStat,
  scanProcesses,
  stdioOn,
  terminalOf,
  type ProcessEntry,
  type ProcessTable,
} from './process-table';

/*
 * What a pty session started, and ending all of it. A session's processes are:
 * - the members of its terminal session (the shell leads it): jobs, nohup'd and disowned ones, orphans;
 * - while the shell still runs: its descendants (a job that called setsid() but whose parent still waits),
 *   and processes that left the session with setsid() but still have its terminal as stdin, stdout or
 *   stderr (`setsid cmd &`);
 * - everything those start, and the sessions of those that lead one.
 * A process that left the session and holds nothing of its terminal is, once its parent is gone, just
 * another process of this user: nothing on Linux ties it to the session (only a cgroup could).
 */

/** A sweep gives up on processes that survive SIGKILL this long (uninterruptible sleep): they are reported. */
const SWEEP_DEADLINE_MS = 3000;
/** How long node-pty gets to report a killed shell's exit (it waits for the pty to drain, up to 200 ms). */
const SHELL_EXIT_EVENT_MS = 5000;

/** The processes of one pty session, followed from its start to its end. */
export class SessionProcesses {
  /** The start time of the shell; with its pid, it tells the shell from a later process given the same pid. */
  private shellStart: number | undefined;
  /** The shell's terminal (`/dev/pts/N`). */
  private terminal: string | undefined;
  private identified: Promise<void> | undefined;
  private shellReaped = false;
  /** Processes found so far (pid -> start time): followed even after they left the session. */
  private readonly tracked = new Map<number, number>();
  /** Processes that are not ours to signal (another user's, `sudo`): never waited for. */
  private readonly foreign = new Set<string>();

  /** `shellPid` leads the terminal session: its pid is the session's id. */
  constructor(readonly shellPid: number) {}

  /** Reads the shell's start time and terminal once it runs. */
  identify(): void {
    this.identified ??= (async () => {
      const [stat, terminal] = await Promise.all([
        readFile(`/proc/${this.shellPid}/stat`, 'latin1').catch(() => ''),
        terminalOf(this.shellPid),
      ]);
      this.shellStart ??= parseProcessStat(this.shellPid, stat)?.startTime;
      this.terminal = terminal?.startsWith('/dev/') ? terminal : undefined;
    })();
  }

  /** The shell has exited and been reaped: its pid may name another process from now on. */
  shellExited(): void {
    this.shellReaped = true;
  }

  /**
   * The live processes of the session in `table` (see the top of this file); each found is followed from
   * now on. `holders` are processes known to hold the session's terminal.
   */
  async collect(table: ProcessTable, holders: readonly ProcessEntry[] = []): Promise<ProcessEntry[]> {
    await this.identified;
    const queue: ProcessEntry[] = [...holders];
    const leader = table.get(this.shellPid);
    if (leader && !this.shellReaped) this.shellStart ??= leader.startTime;
    // A session id stays taken while any process is in the session; once it is free, a reused pid may lead
    // another session of the same number.
    const sessionIsOurs = !leader || (!this.shellReaped && leader.startTime === this.shellStart);
    if (sessionIsOurs) queue.push(...table.membersOf(this.shellPid));
    for (const [pid, startTime] of this.tracked) {
      const e = table.get(pid);
      if (e?.startTime === startTime) queue.push(e);
    }
    const found = new Map<number, ProcessEntry>();
    while (queue.length > 0) {
      const e = queue.pop()!;
      if (found.has(e.pid)) continue;
      found.set(e.pid, e);
      queue.push(...table.childrenOf(e.pid));
      if (e.pid === e.session) queue.push(...table.membersOf(e.pid));
    }
    const live: ProcessEntry[] = [];
    for (const e of found.values()) {
      if (e.state === 'Z' || this.foreign.has(key(e))) continue;
      this.tracked.set(e.pid, e.startTime);
      live.push(e);
    }
    return live;
  }

  /** Sends `signal` to each; a process that is not ours to signal is left out of later sweeps. */
  signal(entries: readonly ProcessEntry[], signal: NodeJS.Signals): void {
    for (const e of entries) {
      try {
        process.kill(e.pid, signal);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EPERM') this.foreign.add(key(e));
      }
    }
  }

  /** Before the shells go: their descendants, and the processes outside their sessions on their terminals. */
  static async snapshot(sessions: readonly SessionProcesses[]): Promise<void> {
    await Promise.all(sessions.map((s) => s.identified));
    const table = await scanProcesses();
    const byTerminal = new Map<string, SessionProcesses>();
    for (const s of sessions) if (s.terminal !== undefined) byTerminal.set(s.terminal, s);
    const holders = new Map<SessionProcesses, ProcessEntry[]>();
    const starts = sessions.flatMap((s) => (s.shellStart === undefined ? [] : [s.shellStart]));
    if (byTerminal.size > 0 && starts.length > 0) {
      const shells = new Set(sessions.map((s) => s.shellPid));
      // Only a process started after a shell can hold its terminal, and only a session leader left its session.
      const candidates = table.leadersSince(Math.min(...starts)).filter((e) => !shells.has(e.pid));
      const terminals = new Set(byTerminal.keys());
      for (const e of candidates) {
        const owner = byTerminal.get(stdioOn(e.pid, terminals) ?? '');
        if (owner) holders.set(owner, [...(holders.get(owner) ?? []), e]);
      }
    }
    await Promise.all(sessions.map((s) => s.collect(table, holders.get(s))));
  }

  /**
   * SIGKILL to what is left of these sessions until none of it runs, checked in /proc with bounded retries.
   * Resolves to the processes that survived the deadline (uninterruptible sleep), normally none.
   */
  static async sweep(sessions: readonly SessionProcesses[]): Promise<ProcessEntry[]> {
    const deadline = Date.now() + SWEEP_DEADLINE_MS;
    for (let attempt = 0; ; attempt++) {
      const table = await scanProcesses();
      const live = await Promise.all(sessions.map((s) => s.collect(table)));
      if (live.every((l) => l.length === 0) || Date.now() >= deadline) return live.flat();
      sessions.forEach((s, i) => s.signal(live[i]!, 'SIGKILL'));
      // A killed process is gone within microseconds unless it sleeps in the kernel: check soon, then back off.
      await new Promise((resolve) => setTimeout(resolve, Math.min(2 ** attempt, 100)));
    }
  }
}

/** A shell being ended, as `endShells` sees a session. */
export interface EndingShell {
  pty: { kill(signal: string): void };
  processes: SessionProcesses;
  /** Resolves when node-pty reported the shell's exit. */
  exited: Promise<void>;
  readonly hasExited: boolean;
}

/**
 * Ends shells and everything they started, all at once: SIGHUP to each shell (a closing terminal); after
 * `graceMs`, SIGKILL to the shells still running (bash sometimes misses a SIGHUP that lands right after a
 * command); once the shells have exited, SIGKILL to whatever they left, until /proc shows none of it.
 * Resolves to the processes that survived (normally none).
 */
export async function endShells(shells: readonly EndingShell[], graceMs: number): Promise<ProcessEntry[]> {
  // Before the shells go: afterwards, what left their sessions has lost its parent and its trail.
  await SessionProcesses.snapshot(shells.map((s) => s.processes));
  for (const s of shells) s.pty.kill('SIGHUP');
  const allExited = Promise.all(shells.map((s) => s.exited));
  if (!(await settlesWithin(allExited, graceMs))) {
    await SessionProcesses.sweep(shells.filter((s) => !s.hasExited).map((s) => s.processes));
    await settlesWithin(allExited, SHELL_EXIT_EVENT_MS);
  }
  return SessionProcesses.sweep(shells.map((s) => s.processes));
}

/** Does `promise` settle within `ms`? The timer is cleared either way: nothing lingers after shutdown. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

function key(e: ProcessEntry): string {
  return `${e.pid}:${e.startTime}`;
}
