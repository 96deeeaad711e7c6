import { readdir, readFile } from 'node:fs/promises';

/** One line of `/proc/<pid>/stat`, the fields the leak checks need. */
export interface ProcessStat {
  pid: number;
  ppid: number;
  /** The executable's name as the kernel knows it (at most 15 characters). */
  comm: string;
  /** `R`, `S`, `D`, `Z` (zombie), `T`, ... */
  state: string;
  /** Clock ticks after boot: with the pid, it names a process even after its pid is reused. */
  startTime: number;
}

/** Parses `/proc/<pid>/stat`. `comm` may hold spaces and parentheses, so it ends at the last `)`. */
export function parseProcStat(text: string): ProcessStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const rest = text
    .slice(close + 1)
    .trim()
    .split(' ');
  // rest[0] is field 3 (state), so field n is rest[n - 3].
  const state = rest[0];
  const ppid = Number(rest[1]);
  const startTime = Number(rest[19]);
  if (
    !Number.isInteger(pid) ||
    state === undefined ||
    !Number.isInteger(ppid) ||
    !Number.isFinite(startTime)
  ) {
    return null;
  }
  return { pid, ppid, comm: text.slice(open + 1, close), state, startTime };
}

/**
 * Every process visible in `/proc`. Processes that end while the table is read are left out.
 * Throws when `/proc` cannot be read (not Linux).
 */
export async function readProcessTable(): Promise<ProcessStat[]> {
  const names = await readdir('/proc');
  const stats = await Promise.all(
    names
      .filter((name) => /^\d+$/.test(name))
      .map(async (name) => {
        try {
          return parseProcStat(await readFile(`/proc/${name}/stat`, 'utf8'));
        } catch {
          return null; // ended meanwhile
        }
      }),
  );
  return stats.filter((stat): stat is ProcessStat => stat !== null);
}

/** The processes below `rootPid` in the process tree (children, grandchildren, ...), zombies included. */
export function descendantsOf(table: readonly ProcessStat[], rootPid: number): ProcessStat[] {
  const children = new Map<number, ProcessStat[]>();
  for (const stat of table) {
    const siblings = children.get(stat.ppid);
    if (siblings) siblings.push(stat);
    else children.set(stat.ppid, [stat]);
  }
  const found: ProcessStat[] = [];
  const queue = [rootPid];
  const seen = new Set<number>(queue);
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (seen.has(child.pid)) continue;
      seen.add(child.pid);
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

/** `"4242 sleep"`, or `"4242 sleep <zombie>"` for a process that ended and was not reaped. */
export function describeProcess(stat: ProcessStat): string {
  return stat.state === 'Z' ? `${stat.pid} ${stat.comm} <zombie>` : `${stat.pid} ${stat.comm}`;
}

/**
 * Live and zombie descendant processes of `rootPid` (default: this process), found by walking the ppid
 * fields of `/proc/<pid>/stat`. The conformance suite's default `listLeaks`: after a backend's `shutdown`,
 * nothing it started should remain below the Jest worker. Linux only: throws when `/proc` cannot be read.
 *
 * @example
 * ```ts
 * await backend.shutdown();
 * expect(await listDescendantProcesses()).toEqual([]); // e.g. ['4242 sleep', '4243 bash <zombie>'] on a leak
 * ```
 */
export async function listDescendantProcesses(rootPid: number = process.pid): Promise<string[]> {
  return descendantsOf(await readProcessTable(), rootPid).map(describeProcess);
}
