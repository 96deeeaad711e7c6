import { readdirSync, readFileSync } from 'node:fs';

/** One live process as /proc showed it at one moment. */
export interface ProcessEntry {
  pid: number;
  /** Its terminal session (the pid of the session's leader, a pane's shell). */
  session: number;
  /** Clock ticks after boot: with the pid, it names this very process. */
  startTime: number;
  cmdline: string;
  /** The value of TMUX in its environment (`<socket>,<server pid>,<session number>`), if any. */
  tmux: string | null;
}

/**
 * Every live process of /proc we may read (zombies left out), in one pass: ending thousands of panes reads
 * /proc once, not once per pane.
 */
export function readProcesses(): ProcessEntry[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const entries: ProcessEntry[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      // The command name may hold spaces and ')': the fields start after the last ')'.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (f[0] === 'Z') continue;
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'latin1').replace(/\0/g, ' ').trim();
      const tmux = tmuxVariable(readFileSync(`/proc/${name}/environ`, 'latin1'));
      entries.push({ pid: Number(name), session: Number(f[3]), startTime: Number(f[19]), cmdline, tmux });
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return entries;
}

/** The value of TMUX in a process's environment (`/proc/<pid>/environ`, NUL-separated), if any. */
function tmuxVariable(environ: string): string | null {
  let from: number;
  if (environ.startsWith('TMUX=')) from = 5;
  else {
    const at = environ.indexOf('\0TMUX=');
    if (at === -1) return null;
    from = at + 6;
  }
  const end = environ.indexOf('\0', from);
  return environ.slice(from, end === -1 ? undefined : end);
}

/**
 * Processes that belong to the tmux servers on these sockets: the servers and clients themselves (their
 * command line names the socket), and whatever runs in their panes (tmux puts `TMUX=<socket>,...` in every
 * pane's environment, and children inherit it, nohup'd or not). Zombies are left out. For leak checks:
 * after `shutdown()` this should be empty.
 *
 * @example
 * ```ts
 * await backend.shutdown();
 * expect(listTmuxProcesses([backend.socket])).toEqual([]);
 * ```
 */
export function listTmuxProcesses(sockets: Iterable<string>): string[] {
  const wanted = [...sockets];
  if (wanted.length === 0) return [];
  const found: string[] = [];
  for (const p of readProcesses()) {
    if (wanted.some((socket) => p.cmdline.includes(socket) || p.tmux?.startsWith(`${socket},`)))
      found.push(`${p.pid} ${p.cmdline}`);
  }
  return found;
}

/**
 * Pids of processes started inside panes of the server on `socket` (their TMUX variable names it), even
 * those that left the pane's terminal session (setsid). `accept` narrows them by the server's pid and the
 * number of the tmux session (`$<n>`) the pane was created in. A process that cleared TMUX is not found.
 */
export function paneProcesses(
  socket: string,
  accept: (serverPid: number, sessionNumber: number) => boolean = () => true,
  processes: readonly ProcessEntry[] = readProcesses(),
): number[] {
  const pids: number[] = [];
  for (const p of processes) {
    if (!p.tmux?.startsWith(`${socket},`)) continue;
    const [serverPid, sessionNumber] = p.tmux.slice(socket.length + 1).split(',');
    if (accept(Number(serverPid), Number(sessionNumber))) pids.push(p.pid);
  }
  return pids;
}
