import { lstat, unlink } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { fail, ok, type BackendResult } from '@vth/core';
import { processUids } from './process-exit';

/*
 * Who is behind a tmux socket. Attaching to a server means running commands as whoever runs it, and that
 * user can read and type into every session vth makes there: vth attaches only to servers of its own uid,
 * and never removes anything at a socket path but a socket of its own that nobody answers on.
 */

/** Our uid; `null` where there is none (not POSIX), and the ownership checks do not apply. */
const myUid = (): number | null => process.getuid?.() ?? null;

/** Does a server answer on this socket? (A connect, not a tmux process.) */
export function serverAnswers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(socketPath);
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function kindOf(st: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): string {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isDirectory()) return 'a directory';
  return st.isFile() ? 'a regular file' : 'not a socket';
}

/**
 * Looks at `socketPath` before vth connects: `live` when a server of ours answers there, `free` when
 * nothing is there (a stale socket of ours, one nobody answers on, is removed to make it so). Anything else
 * is refused with `UNAVAILABLE` naming the path: a file, directory or symlink (never removed), a socket
 * another user owns.
 */
export async function claimSocketPath(
  socketPath: string,
  backendId: string,
): Promise<BackendResult<'live' | 'free'>> {
  const refuse = (why: string) => fail('UNAVAILABLE', `socketPath ${socketPath} ${why}`, { backendId });
  let st;
  try {
    st = await lstat(socketPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return ok('free');
    return refuse(`cannot be inspected: ${(e as Error).message}`);
  }
  if (!st.isSocket()) {
    return refuse(
      `is ${kindOf(st)}, not a tmux socket; vth never removes or replaces it: remove it yourself or choose another path`,
    );
  }
  const uid = myUid();
  if (uid !== null && st.uid !== uid) {
    return refuse(
      `belongs to uid ${st.uid}, not to this user (uid ${uid}): vth does not attach to another user's tmux ` +
        'server (its commands would run as that user, who could also read and type into them)',
    );
  }
  if (await serverAnswers(socketPath)) return ok('live');
  try {
    await unlink(socketPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      return refuse(`is a stale socket that cannot be removed: ${(e as Error).message}`);
  }
  return ok('free');
}

/**
 * The server vth attached to must run as this user: a socket can be ours while the server behind it is
 * not (a path swapped after it was checked, a socket chown'ed by root).
 */
export function checkServerOwner(
  serverPid: number,
  socketPath: string,
  backendId: string,
): BackendResult<void> {
  const uid = myUid();
  if (uid === null) return ok();
  const uids = processUids(serverPid);
  const refuse = (why: string) =>
    fail('UNAVAILABLE', `the tmux server on ${socketPath} (pid ${serverPid}) ${why}`, { backendId });
  if (!uids) return refuse('cannot be checked: its process is not visible here (another pid namespace?)');
  if (uids.real !== uid || uids.effective !== uid) {
    return refuse(
      `runs as uid ${uids.effective === uid ? uids.real : uids.effective}, not as this user (uid ${uid}): ` +
        "vth does not attach to another user's tmux server",
    );
  }
  return ok();
}

/**
 * Removes the socket of a server that is gone. Only a socket of ours that nobody answers on: never a live
 * server's, never anything that is not a socket.
 */
export async function removeStaleSocket(socketPath: string): Promise<void> {
  try {
    const st = await lstat(socketPath);
    const uid = myUid();
    if (!st.isSocket() || (uid !== null && st.uid !== uid)) return;
    if (await serverAnswers(socketPath)) return;
    await unlink(socketPath);
  } catch {
    // Not there.
  }
}
