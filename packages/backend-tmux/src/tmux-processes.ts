import { readdirSync, readFileSync } from 'node:fs';

interface ProcessEntry {
  pid: number;
  cmdline: string;
  /** The value of TMUX in its environment (`<socket>,<server pid>,<session number>`), if any. */
  tmux: string | null;
}

/** Every live process of /proc we may read, with its command line and its TMUX variable. */
function* readProcesses(): Generator<ProcessEntry> {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue;
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'latin1').replace(/\0/g, ' ').trim();
      const environ = readFileSync(`/proc/${name}/environ`, 'latin1').split('\0');
      const tmux = environ.find((entry) => entry.startsWith('TMUX='))?.slice(5) ?? null;
      yield { pid: Number(name), cmdline, tmux };
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
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
): number[] {
  const pids: number[] = [];
  for (const p of readProcesses()) {
    if (!p.tmux?.startsWith(`${socket},`)) continue;
    const [serverPid, sessionNumber] = p.tmux.slice(socket.length + 1).split(',');
    if (accept(Number(serverPid), Number(sessionNumber))) pids.push(p.pid);
  }
  return pids;
}
