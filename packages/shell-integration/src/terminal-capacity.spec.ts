import { spawn } from 'node:child_process';
import {
  defaultMaxSessions,
  exhaustionHint,
  fdBudget,
  ptyBudget,
  type SystemFiles,
} from './terminal-capacity';

/** A machine described by its files: kernel limits, /dev/pts entries, mounts, container markers. */
function machine(files: Record<string, string>, pts: string[] | null, markers: string[] = []): SystemFiles {
  return {
    read: (path) => {
      if (!(path in files)) throw new Error(`ENOENT ${path}`);
      return files[path]!;
    },
    list: (path) => {
      if (path !== '/dev/pts' || pts === null) throw new Error(`ENOENT ${path}`);
      return pts;
    },
    exists: (path) => markers.includes(path),
  };
}
const KERNEL = { '/proc/sys/kernel/pty/max': '4096\n', '/proc/sys/kernel/pty/reserve': '1024\n' };
const mountinfo = (options: string) =>
  `25 1 0:5 / /dev rw - devtmpfs udev rw\n64 61 0:24 / /dev/pts rw,relatime - devpts devpts ${options}\n`;

describe('terminal capacity (Linux)', () => {
  it('reads the pty budget of this devpts instance and the descriptors of this process', () => {
    const pty = ptyBudget();
    expect(pty).not.toBeNull();
    expect(pty!.limit).toBeGreaterThan(0);
    expect(pty!.inUse).toBeGreaterThanOrEqual(0);
    const fds = fdBudget();
    expect(fds!.open).toBeGreaterThan(2);
    expect(fds!.limit).toBeGreaterThanOrEqual(fds!.open);
  });

  it('explains a failure only when a resource ran out or the cause names one', () => {
    expect(exhaustionHint('some other failure')).toBeNull();
    expect(exhaustionHint('create window failed: fork failed: No space left on device')).toMatch(
      /^no pseudo-terminal is left \(\d+ of \d+ in use; the limit is .+\): close sessions/,
    );
    expect(exhaustionHint('open: Too many open files')).toMatch(/ulimit -n/);
  });

  it('answers null for a process it cannot read, and names descriptors running out', () => {
    expect(fdBudget(2 ** 30)).toBeNull();
    expect(exhaustionHint('accept: EMFILE')).toMatch(/^file descriptors ran out \(EMFILE\/ENFILE\)/);
    // A process with no descriptor to spare: this one, told its limit is what it has open.
    const open = fdBudget()!.open;
    expect(exhaustionHint('forkpty(3) failed.', process.pid)).toBeNull();
    expect(open).toBeGreaterThan(0);
  });

  it('takes the limit of a host, of a container (less the reserve) and of a devpts max= option', () => {
    const pts = ['0', '1', 'ptmx'];
    expect(ptyBudget(machine({ ...KERNEL, '/proc/self/mountinfo': mountinfo('rw,mode=600') }, pts))).toEqual({
      inUse: 2,
      limit: 4096,
      source: 'kernel.pty.max',
    });
    expect(
      ptyBudget(machine({ ...KERNEL, '/proc/self/mountinfo': mountinfo('rw') }, pts, ['/.dockerenv'])),
    ).toEqual({ inUse: 2, limit: 3072, source: 'kernel.pty.max less kernel.pty.reserve (in a container)' });
    expect(
      ptyBudget(machine({ ...KERNEL, '/proc/self/mountinfo': mountinfo('rw,ptmxmode=666,max=8') }, pts)),
    ).toEqual({ inUse: 2, limit: 8, source: 'the max= option of the /dev/pts mount' });
    // Podman's marker counts as a container; no reserve file means none is kept back.
    expect(
      ptyBudget(machine({ '/proc/sys/kernel/pty/max': '4096' }, pts, ['/run/.containerenv']))?.limit,
    ).toBe(4096);
    // A mount table without /dev/pts, or a max= above the kernel's: the kernel's limit stands.
    expect(
      ptyBudget(machine({ ...KERNEL, '/proc/self/mountinfo': '25 1 0:5 / /dev rw - devtmpfs x rw\n' }, pts)),
    ).toEqual({
      inUse: 2,
      limit: 4096,
      source: 'kernel.pty.max',
    });
    expect(
      ptyBudget(machine({ ...KERNEL, '/proc/self/mountinfo': mountinfo('rw,max=9000') }, pts))?.limit,
    ).toBe(4096);
    // An unreadable kernel figure is unknown, not zero.
    expect(ptyBudget(machine({ '/proc/sys/kernel/pty/max': 'many' }, pts))).toBeNull();
    // No mount table: the kernel's limit; no kernel limit or no /dev/pts: unknown.
    expect(ptyBudget(machine({ ...KERNEL }, pts))?.limit).toBe(4096);
    expect(ptyBudget(machine({}, pts))).toBeNull();
    expect(ptyBudget(machine({ ...KERNEL }, null))).toBeNull();
  });

  it('says which pty limit ran out, and still explains ENOSPC where the budget is unknown', () => {
    const full = machine({ ...KERNEL, '/proc/self/mountinfo': mountinfo('rw,max=2') }, ['0', '1', 'ptmx']);
    expect(exhaustionHint('forkpty(3) failed.', 'self', full)).toBe(
      'no pseudo-terminal is left (2 of 2 in use; the limit is the max= option of the /dev/pts mount): ' +
        'close sessions, or raise kernel.pty.max (sysctl) or the devpts max= mount option',
    );
    expect(exhaustionHint('No space left on device', 'self', machine({}, null))).toMatch(
      /^no pseudo-terminal is left: close sessions/,
    );
    // Defaults follow the budget: nine tenths of what is free; 256 where it is unknown.
    expect(
      defaultMaxSessions(1, machine({ ...KERNEL, '/proc/self/mountinfo': mountinfo('max=102') }, ['0', '1'])),
    ).toBe(90);
    expect(defaultMaxSessions(1, machine({}, null))).toBe(256);
  });

  it("names a process's descriptors running out (a real process with a limit of 6)", async () => {
    const child = spawn('prlimit', ['--nofile=6:6', 'sleep', '30'], { stdio: 'ignore' });
    try {
      // prlimit execs sleep: wait until the limit is in place.
      const deadline = Date.now() + 10_000;
      while (fdBudget(child.pid!)?.limit !== 6 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(fdBudget(child.pid!)).toEqual({ open: expect.any(Number), limit: 6 });
      expect(exhaustionHint('forkpty(3) failed.', child.pid!)).toMatch(
        /^the process has \d+ of its 6 file descriptors open \(RLIMIT_NOFILE\): close sessions, or raise the limit/,
      );
    } finally {
      child.kill();
    }
  });

  it('never defaults to fewer than one session, and shrinks with the memory a session costs', () => {
    expect(defaultMaxSessions(Number.MAX_SAFE_INTEGER)).toBe(1);
    expect(defaultMaxSessions(1)).toBeGreaterThanOrEqual(defaultMaxSessions(1024 * 1024 * 1024));
  });
});
