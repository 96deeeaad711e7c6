import { execFileSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectOk } from '@vth/testkit';
import { endServer, tmux, track, until } from '../test/tmux-fixtures';
import { removeStaleSocket } from './server-socket';
import { TmuxBackend } from './tmux-backend';
import { listTmuxProcesses } from './tmux-processes';

const NOBODY = 65534;

describe('socketPath: nothing but a stale socket is ever replaced', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vth-sock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['a regular file', (path: string) => writeFileSync(path, 'precious')],
    ['a directory', (path: string) => mkdirSync(path)],
    ['a symlink', (path: string) => symlinkSync(join(dir, 'elsewhere'), path)],
  ])('refuses %s at socketPath with UNAVAILABLE naming the path, and leaves it alone', async (_, make) => {
    const path = join(dir, 'sock');
    make(path);
    const before = lstatSync(path);
    const backend = track(new TmuxBackend({ socketPath: path }));
    const r = await backend.initialize({});
    expect(!r.ok && r.error.code).toBe('UNAVAILABLE');
    if (!r.ok) expect(r.error.message).toContain(path);
    const after = lstatSync(path);
    expect([after.ino, after.mode]).toEqual([before.ino, before.mode]);
    if (after.isFile()) expect(readFileSync(path, 'utf8')).toBe('precious');
    expect(listTmuxProcesses([path])).toEqual([]);
    await backend.shutdown();
    expect(lstatSync(path).ino).toBe(before.ino);
  });

  it('removes a socket only when no server answers on it (a stopped server still counts)', async () => {
    const path = join(dir, 'sock');
    tmux(path, '-f', '/dev/null', 'new-session', '-d', 'tail -f /dev/null');
    const serverPid = Number(tmux(path, 'display-message', '-p', '#{pid}'));
    try {
      await removeStaleSocket(path);
      expect(lstatSync(path).isSocket()).toBe(true);
      process.kill(serverPid, 'SIGSTOP');
      await removeStaleSocket(path);
      expect(lstatSync(path).isSocket()).toBe(true);
    } finally {
      for (const entry of listTmuxProcesses([path])) process.kill(Number(entry.split(' ')[0]), 'SIGKILL');
    }
    expect(await until(() => listTmuxProcesses([path]).length === 0)).toBe(true);
    await removeStaleSocket(path);
    expect(existsSync(path)).toBe(false);
  });

  it("replaces a stale socket (a killed server's) with a server of its own", async () => {
    const path = join(dir, 'sock');
    tmux(path, '-f', '/dev/null', 'new-session', '-d', 'tail -f /dev/null');
    for (const entry of listTmuxProcesses([path])) process.kill(Number(entry.split(' ')[0]), 'SIGKILL');
    expect(await until(() => listTmuxProcesses([path]).length === 0)).toBe(true);
    expect(lstatSync(path).isSocket()).toBe(true);
    const backend = track(new TmuxBackend({ socketPath: path }));
    expectOk(await backend.initialize({}));
    const s = expectOk(await backend.createSession());
    expect(expectOk(await backend.executeCommand(s.id, 'echo fresh')).output).toBe('fresh\n');
    await backend.shutdown();
    expect(listTmuxProcesses([path])).toEqual([]);
  });
});

const asRoot = process.getuid?.() === 0 ? describe : describe.skip;

asRoot('socketPath of a server another user runs (needs root to make one)', () => {
  let dir: string;
  let socket: string;
  const sessionsOn = () => tmux(socket, 'list-sessions', '-F', '#{session_name}').trim().split('\n');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vth-other-'));
    chownSync(dir, NOBODY, NOBODY);
    socket = join(dir, 'sock');
    execFileSync(
      'runuser',
      // SHELL set: without it tmux would run the session's command with nobody's login shell (nologin).
      ['-u', 'nobody', '--', 'env', 'SHELL=/bin/sh', 'tmux', '-S', socket, '-f', '/dev/null'].concat([
        'new-session',
        '-d',
        '-s',
        'theirs',
        'tail -f /dev/null',
      ]),
    );
  });
  afterEach(async () => {
    expect(await endServer(socket)).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to attach when the socket belongs to another user', async () => {
    expect(lstatSync(socket).uid).toBe(NOBODY);
    const backend = track(new TmuxBackend({ socketPath: socket }));
    const r = await backend.initialize({});
    expect(!r.ok && r.error.code).toBe('UNAVAILABLE');
    if (!r.ok) expect(r.error.message).toMatch(new RegExp(`${socket}.*uid ${NOBODY}`));
    await backend.shutdown();
    expect(sessionsOn()).toEqual(['theirs']);
    expect(existsSync(socket)).toBe(true);
  });

  it('refuses to attach when the socket is ours but the server runs as another user', async () => {
    chownSync(socket, process.getuid!(), process.getgid!());
    const backend = track(new TmuxBackend({ socketPath: socket }));
    const r = await backend.initialize({});
    expect(!r.ok && r.error.code).toBe('UNAVAILABLE');
    if (!r.ok) expect(r.error.message).toMatch(new RegExp(`server .*runs as uid ${NOBODY}`));
    await backend.shutdown();
    // Nothing of ours stays on their server, and their server and session live on.
    expect(sessionsOn()).toEqual(['theirs']);
    expect(existsSync(socket)).toBe(true);
  });

  it('refuses a socket of our own server once another user owns the socket file', async () => {
    const own = join(mkdtempSync(join(tmpdir(), 'vth-own-')), 'sock');
    tmux(own, '-f', '/dev/null', 'new-session', '-d', '-s', 'mine', 'tail -f /dev/null');
    try {
      chownSync(own, NOBODY, NOBODY);
      const backend = track(new TmuxBackend({ socketPath: own }));
      const r = await backend.initialize({});
      expect(!r.ok && r.error.code).toBe('UNAVAILABLE');
      await backend.shutdown();
      expect(tmux(own, 'list-sessions', '-F', '#{session_name}').trim()).toBe('mine');
    } finally {
      expect(await endServer(own)).toBe(true);
      rmSync(join(own, '..'), { recursive: true, force: true });
    }
  });
});
