import { readdirSync, readFileSync } from 'node:fs';
import { type ForegroundSignal } from './shell-transport';

/*
 * Linux process facts about a terminal's shell, read from /proc: what local interactive backends (a pty, a
 * tmux pane on this machine) need to escalate an interrupt and to leave nothing running behind a session.
 */

/** The fields of /proc/<pid>/stat we use (see proc(5)). */
export interface ProcStat {
  /** Process id. */
  pid: number;
  /** One letter: `R` running, `S` sleeping, `Z` zombie, `T` stopped, ... */
  state: string;
  /** Parent's process id. */
  ppid: number;
  /** Process group: the job the process belongs to. */
  pgrp: number;
  /** Session id: the pid of the session leader (the shell of the terminal). */
  session: number;
  /** Foreground process group of the process's controlling terminal. */
  tpgid: number;
}

/** Parses /proc/<pid>/stat; `null` when the process is gone. The comm field may hold spaces and ')'. */
export function readProcStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  const close = text.lastIndexOf(')');
  const f = text.slice(close + 2).split(' ');
  return {
    pid,
    state: f[0] ?? '?',
    ppid: Number(f[1]),
    pgrp: Number(f[2]),
    session: Number(f[3]),
    tpgid: Number(f[5]),
  };
}

/**
 * Every process in the terminal session led by `sessionId` (the shell's pid): the shell, its jobs, and
 * whatever they started, nohup'd or not. Only processes that called setsid() themselves escape.
 * A `sessionId` that is not a positive pid lists nothing: session 0 holds every process whose ancestors never
 * called setsid() (a container's or CI runner's whole tree), and is never a terminal's.
 */
export function listSessionMembers(sessionId: number): number[] {
  const members: number[] = [];
  if (!Number.isInteger(sessionId) || sessionId <= 0) return members;
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const stat = readProcStat(pid);
    if (stat && stat.session === sessionId && stat.state !== 'Z') members.push(pid);
  }
  return members;
}

/**
 * Signals the terminal's foreground job when it is not the shell itself (signalling the shell would end the
 * session). `shellPid` leads the terminal session. Returns false when there was nothing to signal.
 */
export function signalForegroundGroup(shellPid: number, signal: ForegroundSignal): boolean {
  const stat = readProcStat(shellPid);
  if (!stat || stat.tpgid <= 0 || stat.tpgid === stat.pgrp) return false;
  try {
    process.kill(-stat.tpgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Does the shell itself hold its terminal (the terminal's foreground process group is the shell's own), so
 * that it, and no job of the session, reads what is typed next? A shell with job control puts every job in
 * a process group of its own, so this is true only at its prompt or while it runs a builtin.
 */
export function shellOwnsTerminal(shellPid: number): boolean {
  const stat = readProcStat(shellPid);
  return stat !== null && stat.tpgid > 0 && stat.tpgid === stat.pgrp && stat.pgrp === shellPid;
}

/** SIGKILL to every process of the terminal session `sessionLeader` leads: nothing it started outlives it. */
export function killSessionMembers(sessionLeader: number): void {
  for (const pid of listSessionMembers(sessionLeader)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Exited meanwhile.
    }
  }
}
