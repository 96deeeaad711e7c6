import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as pty from 'node-pty';
import {
  killSessionMembers,
  listSessionMembers,
  readProcStat,
  shellOwnsTerminal,
  signalForegroundGroup,
} from './terminal-processes';

/** Polls `condition` until it holds or the deadline passes; no sleeping on a guess. */
async function until(condition: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The program name of the terminal's foreground process group leader, or null. */
function foregroundProgram(shellPid: number): string | null {
  const stat = readProcStat(shellPid);
  if (!stat || stat.tpgid <= 0) return null;
  try {
    return readFileSync(`/proc/${stat.tpgid}/comm`, 'latin1').trim();
  } catch {
    return null;
  }
}

/** A pid that is certainly not running: one of a child that has exited and been reaped. */
async function deadPid(): Promise<number> {
  const child = spawn('/bin/true');
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('readProcStat', () => {
  it("reads this process's parent, group and session, and null for a process that is gone", async () => {
    const stat = readProcStat(process.pid)!;
    expect(stat).toMatchObject({ pid: process.pid, ppid: process.ppid });
    expect(stat.state).toMatch(/^[RSD]$/);
    // Our session may be 0 (a runner whose tree never called setsid()); a child we start shares it.
    const child = spawn('/bin/sleep', ['300'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      expect(readProcStat(child.pid!)).toMatchObject({ ppid: process.pid, session: stat.session });
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    expect(readProcStat(await deadPid())).toBeNull();
  });

  it('reads the session and group of a process that leads its own', async () => {
    const child = spawn('/bin/sleep', ['300'], { detached: true, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      const pid = child.pid!;
      // The child calls setsid() before exec; wait for it rather than guess.
      await until(() => readProcStat(pid)?.session === pid, 'the child to lead its own session');
      expect(readProcStat(pid)).toMatchObject({ pid, ppid: process.pid, pgrp: pid, session: pid });
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  });
});

describe('session members', () => {
  jest.setTimeout(30_000);
  it('lists the processes of a terminal session, background jobs included, and kills them all', async () => {
    // detached: the shell calls setsid() and leads a session of its own, as a pty's shell does.
    const leader = spawn('/bin/bash', ['-c', 'sleep 300 & sleep 300 & wait'], {
      detached: true,
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => leader.on('exit', resolve));
    const pid = leader.pid!;
    try {
      await until(() => listSessionMembers(pid).length === 3, 'the shell and its two jobs');
      expect(listSessionMembers(pid)).toContain(pid);
      killSessionMembers(pid);
      await exited;
      await until(() => listSessionMembers(pid).length === 0, 'every member to be gone');
      // Session 0 (every process whose tree never called setsid(), a CI runner's included) is never listed.
      expect(listSessionMembers(0)).toEqual([]);
      expect(listSessionMembers(-1)).toEqual([]);
    } finally {
      killSessionMembers(pid);
    }
  });
});

describe('the foreground job of a real terminal', () => {
  // Bounds a hung shell on a loaded machine; not a performance claim.
  jest.setTimeout(30_000);
  let term: pty.IPty;
  let exited: Promise<unknown>;
  beforeEach(() => {
    term = pty.spawn('/bin/bash', ['--norc', '--noprofile', '-i'], {
      cols: 80,
      rows: 24,
      cwd: '/tmp',
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: '/tmp', PS1: '$ ' },
    });
    exited = new Promise((resolve) => term.onExit(resolve));
  });
  afterEach(async () => {
    killSessionMembers(term.pid);
    await exited;
  });

  it('sees the shell at its prompt own the terminal, with nothing to signal', async () => {
    await until(() => shellOwnsTerminal(term.pid), 'the shell to hold its terminal');
    expect(signalForegroundGroup(term.pid, 'SIGINT')).toBe(false);
  });

  it('sees a running job take the terminal, signals that job alone, and the shell take it back', async () => {
    await until(() => shellOwnsTerminal(term.pid), 'the prompt');
    term.write('sleep 300\r');
    await until(() => !shellOwnsTerminal(term.pid), 'sleep to take the terminal');
    // Signal only once the job has exec'd sleep: before that, bash's forked child still handles SIGINT itself.
    await until(() => foregroundProgram(term.pid) === 'sleep', 'the foreground job to be sleep');
    expect(signalForegroundGroup(term.pid, 'SIGINT')).toBe(true);
    await until(() => shellOwnsTerminal(term.pid), 'the shell to be back at its prompt');
    expect(readProcStat(term.pid)).not.toBeNull();
  });

  it('answers false for a shell that is gone', async () => {
    const pid = await deadPid();
    expect(shellOwnsTerminal(pid)).toBe(false);
    expect(signalForegroundGroup(pid, 'SIGINT')).toBe(false);
  });
});
