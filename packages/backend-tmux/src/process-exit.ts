import { readFileSync } from 'node:fs';

/*
 * Ending processes that are not our children (the tmux server daemonizes; pane shells are its children) and
 * knowing they are gone: Linux /proc, polled, because no event reports the exit of a process we did not
 * spawn. Only shutdown and the socket checks use this.
 */

/**
 * A process as seen once: its pid and its start time (clock ticks after boot), so a pid the kernel has
 * handed to another process since is never taken for it (and never signalled).
 */
export interface ProcessRef {
  readonly pid: number;
  readonly startTime: number;
}

/** How long a SIGKILLed process may take to be gone (it may be in uninterruptible sleep). */
const KILL_WAIT_MS = 5000;
const POLL_MS = 10;

/** State and start time from /proc/<pid>/stat; `null` when there is no such process. */
function readStat(pid: number): { state: string; startTime: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  // The command name may hold spaces and ')': the fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '?', startTime: Number(fields[19]) };
}

/** The process `pid` as it is now; `null` when it is gone (a zombie counts as gone). */
export function processRef(pid: number): ProcessRef | null {
  if (!Number.isSafeInteger(pid) || pid <= 0) return null;
  const stat = readStat(pid);
  return stat && stat.state !== 'Z' ? { pid, startTime: stat.startTime } : null;
}

/** Is this very process still running (not a zombie, not a newer process with its pid)? */
export function isRunning(ref: ProcessRef): boolean {
  const stat = readStat(ref.pid);
  return stat !== null && stat.state !== 'Z' && stat.startTime === ref.startTime;
}

/** Real and effective uid of a process (`/proc/<pid>/status`); `null` when it cannot be read. */
export function processUids(pid: number): { real: number; effective: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const uids = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
    return uids ? { real: Number(uids[1]), effective: Number(uids[2]) } : null;
  } catch {
    return null;
  }
}

/** The command line of a process, arguments separated by spaces; `null` when it cannot be read. */
export function commandLine(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').trim();
  } catch {
    return null;
  }
}

/** Resolves with the processes still running after `timeoutMs` (at once when none is). */
export async function waitForExit(refs: ProcessRef[], timeoutMs: number): Promise<ProcessRef[]> {
  const deadline = Date.now() + timeoutMs;
  let left = refs.filter(isRunning);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    left = left.filter(isRunning);
  }
  return left;
}

/**
 * Sends each signal in turn to the processes still running, waiting up to `graceMs` after each (after
 * SIGKILL, until they are gone or a few seconds passed). Resolves with what still runs: nothing, unless a
 * process is stuck in the kernel or is not ours to signal.
 *
 * @example
 * ```ts
 * const left = await endProcesses([server], ['SIGTERM', 'SIGKILL'], 500);
 * ```
 */
export async function endProcesses(
  refs: ProcessRef[],
  signals: readonly NodeJS.Signals[],
  graceMs: number,
): Promise<ProcessRef[]> {
  let left = refs.filter(isRunning);
  for (const signal of signals) {
    if (left.length === 0) break;
    for (const ref of left) {
      try {
        // Checked again right before: the pid must still be this process.
        if (isRunning(ref)) process.kill(ref.pid, signal);
      } catch {
        // Gone meanwhile, or not ours.
      }
    }
    left = await waitForExit(left, signal === 'SIGKILL' ? Math.max(graceMs, KILL_WAIT_MS) : graceMs);
  }
  return left;
}
