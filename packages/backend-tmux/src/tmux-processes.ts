import { readdirSync, readFileSync } from 'node:fs';

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
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue;
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'latin1').replace(/\0/g, ' ');
      const environ = readFileSync(`/proc/${name}/environ`, 'latin1');
      if (wanted.some((socket) => cmdline.includes(socket) || environ.includes(`TMUX=${socket},`)))
        found.push(`${name} ${cmdline.trim()}`);
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}
