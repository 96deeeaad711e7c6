import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectOk, listDescendantProcesses } from '@vth/testkit';
import { NodePtyBackend } from './node-pty-backend';

/** Alive and not a zombie (a zombie has ended; only its exit status waits to be collected). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Starts every kind of child a session can leave behind and prints their pids: a job, a nohup'd job, an
 * orphan still in the terminal session, a job that left the session (setsid) but still holds the terminal,
 * and one that left the session and the terminal but whose parent still waits for it. Fifos hand the pids
 * of the setsid'd ones back without polling.
 */
function startChildren(dir: string): string {
  return [
    `mkfifo ${dir}/a ${dir}/b`,
    'sleep 1000 & echo pid=$!',
    'nohup sleep 1000 >/dev/null 2>&1 & echo pid=$!',
    '( sleep 1000 & echo pid=$! )',
    `setsid sh -c 'echo $$ > ${dir}/a; exec sleep 1000' &`,
    `setsid -w sh -c 'echo $$ > ${dir}/b; exec sleep 1000' </dev/null >/dev/null 2>&1 &`,
    `read a < ${dir}/a; read b < ${dir}/b; echo pid=$a; echo pid=$b; echo pid=$$`,
  ].join('\n');
}

function pidsIn(output: string): number[] {
  return [...output.matchAll(/^pid=(\d+)$/gm)].map((m) => Number(m[1]));
}

describe('ending a node-pty session ends everything it started', () => {
  let dir: string;
  let backend: NodePtyBackend;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vth-pty-teardown-'));
    backend = new NodePtyBackend({ killGraceMs: 200 });
    expectOk(await backend.initialize({}));
  });
  afterEach(async () => {
    await backend.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  async function sessionWithChildren(name: string): Promise<{ id: string; pids: number[] }> {
    const s = expectOk(await backend.createSession());
    const sub = join(dir, name);
    expectOk(await backend.executeCommand(s.id, `mkdir ${sub}`));
    const run = expectOk(
      await backend.executeCommand(s.id, startChildren(sub), undefined, { timeoutMs: 10_000 }),
    );
    const pids = pidsIn(run.output);
    expect(pids).toHaveLength(6);
    expect(pids.filter(alive)).toEqual(pids);
    return { id: s.id, pids };
  }

  it('destroySession resolves only once the shell and all its children have exited', async () => {
    const { id, pids } = await sessionWithChildren('one');
    expectOk(await backend.destroySession(id));
    expect(pids.filter(alive)).toEqual([]);
    expect(await listDescendantProcesses()).toEqual([]);
  });

  it('shutdown resolves only once every session and all their children have exited', async () => {
    const sessions = await Promise.all([sessionWithChildren('one'), sessionWithChildren('two')]);
    await backend.shutdown();
    expect(sessions.flatMap((s) => s.pids).filter(alive)).toEqual([]);
    expect(await listDescendantProcesses()).toEqual([]);
  });

  it('kills a shell that ignores SIGHUP after killGraceMs, before destroySession resolves', async () => {
    const s = expectOk(await backend.createSession());
    const run = expectOk(await backend.executeCommand(s.id, "trap '' HUP; echo pid=$$"));
    const [shell] = pidsIn(run.output);
    expectOk(await backend.destroySession(s.id));
    expect(alive(shell!)).toBe(false);
    expect(await listDescendantProcesses()).toEqual([]);
  });

  it('ends the children of a shell that exited by itself before shutdown resolves', async () => {
    const { id, pids } = await sessionWithChildren('one');
    const closed = new Promise((resolve) => backend.once('session-closed', resolve));
    void backend.sendInput(id, 'exit\n');
    await closed;
    await backend.shutdown();
    const [job, nohup, orphan, setsid, setsidWaited, shell] = pids;
    try {
      expect([job, nohup, orphan, shell].filter((pid) => alive(pid!))).toEqual([]);
      expect(await listDescendantProcesses()).toEqual([]);
    } finally {
      // Out of reach when the shell ends by itself: they left its session, and their parents are gone
      // (see the README). The test started them, so it ends them.
      for (const pid of [setsid!, setsidWaited!]) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('starts no shell for a createSession that shutdown overtook', async () => {
    const creating = backend.createSession();
    await backend.shutdown();
    const created = await creating;
    expect(!created.ok && created.error.code).toBe('NOT_INITIALIZED');
    expect(await listDescendantProcesses()).toEqual([]);
  });
});
