import { execFileSync } from 'node:child_process';
import { type TmuxBackend } from '@vth/backend-tmux';
import { type BackendManager } from '@vth/manager';

/** The socket of the tmux backend a manager holds under `id`. */
export function tmuxSocket(manager: BackendManager, id: string): string {
  return (manager.instanceOf(id) as TmuxBackend).socket;
}

/** The pid of the tmux server on `socket`, as the server itself reports it. */
export function tmuxServerPid(socket: string): number {
  return Number(
    execFileSync('tmux', ['-S', socket, 'display-message', '-p', '#{pid}'], { encoding: 'utf8' }),
  );
}

/** The backend's control clients on `socket` (`tmux -S <socket> -f /dev/null -C ...`), the server excluded. */
export function tmuxControlClients(socket: string): number[] {
  const server = tmuxServerPid(socket);
  let found = '';
  try {
    found = execFileSync('pgrep', ['-f', '--', `-S ${socket} -f /dev/null -C`], { encoding: 'utf8' });
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
  return found
    .trim()
    .split('\n')
    .map(Number)
    .filter((pid) => pid > 0 && pid !== server);
}
