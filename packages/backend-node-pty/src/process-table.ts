import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { readlink } from 'node:fs/promises';

/*
 * The machine's processes as /proc shows them at one moment (Linux). Ending a session needs to know which
 * processes it started: its terminal session's members, the shell's descendants, and what still holds its
 * terminal. Reading /proc costs a file per process, so one table serves every session being ended at once.
 */

/** One process: the fields of /proc/<pid>/stat the sweep needs (see proc(5)). */
export interface ProcessEntry {
  pid: number;
  ppid: number;
  session: number;
  /** `R`, `S`, `D`, `Z` (zombie: it has exited), `T`, ... */
  state: string;
  /** Clock ticks after boot: with the pid, it names a process even after its pid has been reused. */
  startTime: number;
}

/** Parses /proc/<pid>/stat. The comm field may hold spaces and ')', so the fields start after the last ')'. */
export function parseProcessStat(pid: number, text: string): ProcessEntry | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  // f[0] is field 3 (state), so field n is f[n - 3].
  const f = text.slice(close + 2).split(' ');
  const entry = {
    pid,
    state: f[0] ?? '?',
    ppid: Number(f[1]),
    session: Number(f[3]),
    startTime: Number(f[19]),
  };
  return Number.isInteger(entry.ppid) && Number.isFinite(entry.startTime) ? entry : null;
}

export class ProcessTable {
  private readonly byPid = new Map<number, ProcessEntry>();
  private readonly children = new Map<number, ProcessEntry[]>();
  private readonly members = new Map<number, ProcessEntry[]>();

  constructor(entries: Iterable<ProcessEntry>) {
    for (const e of entries) {
      this.byPid.set(e.pid, e);
      push(this.children, e.ppid, e);
      push(this.members, e.session, e);
    }
  }

  get(pid: number): ProcessEntry | undefined {
    return this.byPid.get(pid);
  }

  childrenOf(pid: number): readonly ProcessEntry[] {
    return this.children.get(pid) ?? [];
  }

  membersOf(session: number): readonly ProcessEntry[] {
    return this.members.get(session) ?? [];
  }

  /** Session leaders (processes that called setsid()) started at or after `startTime`. */
  leadersSince(startTime: number): ProcessEntry[] {
    return [...this.byPid.values()].filter(
      (e) => e.pid === e.session && e.startTime >= startTime && e.state !== 'Z',
    );
  }
}

function push(map: Map<number, ProcessEntry[]>, key: number, entry: ProcessEntry): void {
  const list = map.get(key);
  if (list) list.push(entry);
  else map.set(key, [entry]);
}

/** Files read between two turns of the event loop: a few milliseconds of work, however many processes run. */
const SLICE = 200;

/**
 * Reads /proc/<pid>/stat of every process. Synchronous reads cost a third of asynchronous ones here (the
 * kernel writes the file on open either way); slices with a turn of the event loop between them keep the
 * loop responsive while thousands of processes are read.
 */
async function readProcessTable(): Promise<ProcessTable> {
  let names: string[];
  try {
    names = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    // Not Linux: no process can be followed beyond the shell.
    return new ProcessTable([]);
  }
  const entries: ProcessEntry[] = [];
  for (let i = 0; i < names.length; i += SLICE) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    for (const name of names.slice(i, i + SLICE)) {
      try {
        const entry = parseProcessStat(Number(name), readFileSync(`/proc/${name}/stat`, 'latin1'));
        if (entry) entries.push(entry);
      } catch {
        // Ended meanwhile.
      }
    }
  }
  return new ProcessTable(entries);
}

let queued: Promise<ProcessTable> | undefined;
let running: Promise<unknown> = Promise.resolve();

/**
 * A table read after this call. Callers that arrive while a read is queued share it (2,000 sessions ending
 * at once read /proc a few times, not 2,000 times); a read already running may predate a caller, so it is
 * never shared with one that arrives during it.
 */
export function scanProcesses(): Promise<ProcessTable> {
  queued ??= running.then(() => {
    queued = undefined;
    const read = readProcessTable();
    running = read;
    return read;
  });
  return queued;
}

/** The terminal a process has as stdin (`/dev/pts/3`), when it can be read. */
export async function terminalOf(pid: number): Promise<string | undefined> {
  try {
    return await readlink(`/proc/${pid}/fd/0`);
  } catch {
    return undefined;
  }
}

/** Which of these terminals the process has as stdin, stdout or stderr, if any. */
export function stdioOn(pid: number, terminals: ReadonlySet<string>): string | undefined {
  for (const fd of [0, 1, 2]) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (terminals.has(target)) return target;
    } catch {
      // Closed, gone, or not ours to read.
    }
  }
  return undefined;
}
