/** What the tmux specs share: the tmux CLI on a socket, waiting on a condition, and leak bookkeeping. */
import { execFileSync } from 'node:child_process';
import { pollUntil } from '@vth/testkit';
import { processRef } from '../src/process-exit';
import { type TmuxBackend } from '../src/tmux-backend';
import { listTmuxProcesses } from '../src/tmux-processes';

/** The tmux CLI on `socket`, for setting up and checking from outside the backend. */
export const tmux = (socket: string, ...args: string[]): string =>
  execFileSync('tmux', ['-u', '-S', socket, ...args], { encoding: 'utf8' });

/** Ends a server the test started (if it still runs) and waits until none of its processes is left. */
export async function endServer(socket: string): Promise<boolean> {
  try {
    tmux(socket, 'kill-server');
  } catch {
    // already gone
  }
  return until(() => listTmuxProcesses([socket]).length === 0);
}

/** Polls `check` until it holds or `ms` passed; the last answer. Never a timing claim. */
export async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<boolean> {
  return pollUntil(check, (done) => done, { timeoutMs: ms, intervalMs: 25 });
}

/** Every socket a backend of these tests used: what a leak would still hold on to. */
export const sockets = new Set<string>();

/** Records the backend's socket once it is initialized, for `listTmuxLeaks`. */
export function track(backend: TmuxBackend): TmuxBackend {
  const initialize = backend.initialize.bind(backend);
  backend.initialize = async (config) => {
    const result = await initialize(config);
    if (result.ok) sockets.add(backend.socket);
    return result;
  };
  return backend;
}

/** Processes left behind by any backend of these tests, on one of their sockets or in one of their panes. */
export async function listTmuxLeaks(): Promise<string[]> {
  return listTmuxProcesses(sockets);
}

/** Is this pid a live (not zombie) process? */
export const running = (pid: number): boolean => processRef(pid) !== null;
