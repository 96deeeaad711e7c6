import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { totalmem } from 'node:os';

/** Pseudo-terminals: how many this process's `/dev/pts` holds now and how many it can. */
export interface PtyBudget {
  /** Pseudo-terminals of this devpts instance open now (its numbered entries). */
  inUse: number;
  /** How many it can hold (see `ptyBudget` for where the figure comes from). */
  limit: number;
  /** Where the limit comes from, for messages: `kernel.pty.max`, the devpts mount's `max=`, ... */
  source: string;
}

/** Where the figures are read: this system, or given files (for tests of other machines' layouts). */
export interface SystemFiles {
  read(path: string): string;
  list(path: string): string[];
  exists(path: string): boolean;
}

const LIVE: SystemFiles = {
  read: (path) => readFileSync(path, 'utf8'),
  list: (path) => readdirSync(path),
  exists: (path) => existsSync(path),
};

const readNumber = (sys: SystemFiles, path: string): number | null => {
  try {
    const n = Number(sys.read(path).trim());
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
};

/** The mount options of the devpts instance at /dev/pts (the last mount there wins). */
function devptsOptions(sys: SystemFiles): string[] {
  try {
    const line = sys
      .read('/proc/self/mountinfo')
      .split('\n')
      .filter((l) => l.split(' ')[4] === '/dev/pts')
      .at(-1);
    return line?.split(' - ')[1]?.split(' ')[2]?.split(',') ?? [];
  } catch {
    return [];
  }
}

/**
 * The pseudo-terminals this process can still open, or `null` where it cannot tell (not Linux). The limit
 * is the smallest of `kernel.pty.max` (less `kernel.pty.reserve` inside a container, whose devpts is not
 * the initial one: 3,072 of 4,096 by default) and the devpts mount's own `max=`; in use are the ptys of
 * this devpts instance.
 *
 * @example const pty = ptyBudget(); if (pty && pty.inUse >= pty.limit) console.warn('no pty left');
 */
export function ptyBudget(sys: SystemFiles = LIVE): PtyBudget | null {
  const kernelMax = readNumber(sys, '/proc/sys/kernel/pty/max');
  if (kernelMax === null) return null;
  let inUse = 0;
  try {
    inUse = sys.list('/dev/pts').filter((n) => /^\d+$/.test(n)).length;
  } catch {
    return null;
  }
  const reserve = readNumber(sys, '/proc/sys/kernel/pty/reserve') ?? 0;
  const inContainer = sys.exists('/.dockerenv') || sys.exists('/run/.containerenv');
  let limit = inContainer ? kernelMax - reserve : kernelMax;
  let source = inContainer ? 'kernel.pty.max less kernel.pty.reserve (in a container)' : 'kernel.pty.max';
  const mountMax = devptsOptions(sys)
    .map((o) => /^max=(\d+)$/.exec(o)?.[1])
    .find(Boolean);
  if (mountMax !== undefined && Number(mountMax) < limit) {
    limit = Number(mountMax);
    source = 'the max= option of the /dev/pts mount';
  }
  return { inUse, limit, source };
}

/** Open file descriptors of a process against its soft `RLIMIT_NOFILE`, or `null` where unknown. */
export function fdBudget(pid: number | 'self' = 'self'): { open: number; limit: number } | null {
  try {
    // Reading our own fd table opens one more descriptor, which is counted: not one in use otherwise.
    const open = readdirSync(`/proc/${pid}/fd`).length - (pid === 'self' || pid === process.pid ? 1 : 0);
    const line = readFileSync(`/proc/${pid}/limits`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.slice(26).trim().split(/\s+/)[0];
    if (!soft || !/^\d+$/.test(soft)) return null;
    return { open, limit: Number(soft) };
  } catch {
    return null;
  }
}

/**
 * Why starting a terminal failed, when it is a resource running out: the pseudo-terminals of this
 * machine or container, or the file descriptors of `pid` (this process by default), with what to do.
 * `null` when neither is exhausted and `cause` names neither (then the failure is something else).
 *
 * @example
 * ```ts
 * const why = exhaustionHint(error.message);
 * return fail(why ? 'UNAVAILABLE' : 'INTERNAL', `could not start a shell: ${error.message}${why ? `: ${why}` : ''}`);
 * ```
 */
export function exhaustionHint(
  cause: string,
  pid: number | 'self' = 'self',
  sys: SystemFiles = LIVE,
): string | null {
  const pty = ptyBudget(sys);
  // A pty takes one descriptor here and the spawn a few more: within 8 of the limit is out of them.
  const fds = fdBudget(pid);
  if (fds && fds.open >= fds.limit - 8) {
    return (
      `the process has ${fds.open} of its ${fds.limit} file descriptors open (RLIMIT_NOFILE): ` +
      'close sessions, or raise the limit (ulimit -n, LimitNOFILE= in a systemd unit)'
    );
  }
  if ((pty && pty.inUse >= pty.limit) || /no space left on device|ENOSPC/i.test(cause)) {
    const counts = pty ? ` (${pty.inUse} of ${pty.limit} in use; the limit is ${pty.source})` : '';
    return (
      `no pseudo-terminal is left${counts}: close sessions, or raise kernel.pty.max ` +
      '(sysctl) or the devpts max= mount option'
    );
  }
  if (/too many open files|EMFILE|ENFILE/i.test(cause)) {
    return 'file descriptors ran out (EMFILE/ENFILE): close sessions, or raise the limit (ulimit -n)';
  }
  return null;
}

/**
 * Metadata key (zod `.meta`) of a config default computed from the machine (`defaultMaxSessions`): a
 * JSON Schema generated from the config leaves such a default out, since it differs from machine to machine.
 */
export const MACHINE_DEFAULT = 'vthMachineDefault';

/**
 * The number of sessions a terminal backend may hold by default on this machine: nine tenths of the
 * pseudo-terminals still free when it starts, and no more than half the memory at `bytesPerSession` each
 * (at least 1; 256 where the pty budget is unknown).
 *
 * @example maxSessions: z.number().int().min(1).default(() => defaultMaxSessions(8 * 1024 * 1024))
 */
export function defaultMaxSessions(bytesPerSession: number, sys: SystemFiles = LIVE): number {
  const pty = ptyBudget(sys);
  const byPty = pty ? Math.floor((pty.limit - pty.inUse) * 0.9) : 256;
  const byMemory = Math.floor(totalmem() / 2 / bytesPerSession);
  return Math.max(1, Math.min(byPty, byMemory));
}
