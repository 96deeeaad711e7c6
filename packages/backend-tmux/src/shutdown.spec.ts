import { existsSync, readdirSync, rmSync } from 'node:fs';
import { expectOk } from '@vth/testkit';
import { endServer, running, tmux, track } from '../test/tmux-fixtures';
import { commandLine } from './process-exit';
import { TmuxBackend } from './tmux-backend';
import { listTmuxProcesses } from './tmux-processes';

/** Starts what a tenant leaves behind: a running command, a nohup'd job and a job in a session of its own. */
async function leaveJobs(backend: TmuxBackend, sessionId: string, paneId?: string): Promise<number[]> {
  const shell = Number(expectOk(await backend.executeCommand(sessionId, 'echo $$', paneId)).output);
  expectOk(
    await backend.executeCommand(
      sessionId,
      'nohup sleep 1000 >/dev/null 2>&1 & setsid sleep 1001 >/dev/null 2>&1 < /dev/null &',
      paneId,
    ),
  );
  void backend.executeCommand(sessionId, 'sleep 1002', paneId);
  return [shell];
}

describe('shutdown() resolves only when every process the backend started has exited', () => {
  jest.setTimeout(30_000);

  it('of a server of its own: server, control client, pane shells and whatever they started', async () => {
    const backend = track(new TmuxBackend({ killGraceMs: 200 }));
    expectOk(await backend.initialize({}));
    const s = expectOk(await backend.createSession());
    const right = expectOk(await backend.splitPane(s.id));
    // A shell that ignores the hangup tmux sends it.
    expectOk(await backend.executeCommand(s.id, "trap '' HUP TERM"));
    const pids = [...(await leaveJobs(backend, s.id)), ...(await leaveJobs(backend, s.id, right))];
    const serverPid = Number((await backend.getHealth()).details?.['serverPid']);
    const socket = backend.socket;
    await backend.shutdown();
    expect(listTmuxProcesses([socket])).toEqual([]);
    expect([serverPid, ...pids].filter(running)).toEqual([]);
    expect(existsSync(socket)).toBe(false);
  });

  it('of 50 sessions at once: no process and no descriptor of any of them is left', async () => {
    const fds = () => readdirSync('/proc/self/fd').length;
    const before = fds();
    const backend = track(new TmuxBackend({ killGraceMs: 200 }));
    expectOk(await backend.initialize({}));
    const sessions = await Promise.all(Array.from({ length: 50 }, () => backend.createSession()));
    const ids = sessions.map((r) => expectOk(r).id);
    // Every shell reports its pid; every fifth ignores the hangup and leaves a nohup'd job.
    const shells = await Promise.all(
      ids.map(async (id, i) => {
        const pid = Number(expectOk(await backend.executeCommand(id, 'echo $$')).output);
        if (i % 5 === 0)
          expectOk(await backend.executeCommand(id, "trap '' HUP TERM; nohup sleep 1000 >/dev/null 2>&1 &"));
        return pid;
      }),
    );
    const serverPid = Number((await backend.getHealth()).details?.['serverPid']);
    const socket = backend.socket;
    await backend.shutdown();
    expect(listTmuxProcesses([socket])).toEqual([]);
    expect([serverPid, ...shells].filter(running)).toEqual([]);
    expect(existsSync(socket)).toBe(false);
    expect(fds()).toBe(before);
  });

  it('called while initialize() is starting the server: the start finishes, then everything goes', async () => {
    const backend = track(new TmuxBackend({ killGraceMs: 200 }));
    const starting = backend.initialize({});
    const again = backend.initialize({}); // joins the start under way: one server, not two
    const down = backend.shutdown();
    const [first, second] = await Promise.all([starting, again, down]);
    expect(!first!.ok && first!.error.code).toBe('NOT_INITIALIZED');
    expect(second).toEqual(first);
    expect(listTmuxProcesses([backend.socket])).toEqual([]);
    expect(existsSync(backend.socket)).toBe(false);
    const after = await backend.createSession();
    expect(!after.ok && after.error.code).toBe('NOT_INITIALIZED');
  });

  it('of a server of its own whose control client was just killed', async () => {
    const backend = track(new TmuxBackend({ killGraceMs: 200 }));
    expectOk(await backend.initialize({}));
    const s = expectOk(await backend.createSession());
    const pids = await leaveJobs(backend, s.id);
    const serverPid = Number((await backend.getHealth()).details?.['serverPid']);
    const socket = backend.socket;
    const clients = listTmuxProcesses([socket])
      .map((entry) => Number(entry.split(' ')[0]))
      .filter((pid) => pid !== serverPid && commandLine(pid)?.startsWith('tmux '));
    expect(clients.length).toBe(1);
    process.kill(clients[0]!, 'SIGKILL');
    await backend.shutdown();
    expect(listTmuxProcesses([socket])).toEqual([]);
    expect([serverPid, ...pids].filter(running)).toEqual([]);
  });

  it('of a backend that was initialized and never created a session', async () => {
    const backend = track(new TmuxBackend());
    expectOk(await backend.initialize({}));
    const serverPid = Number((await backend.getHealth()).details?.['serverPid']);
    const socket = backend.socket;
    await backend.shutdown();
    expect(listTmuxProcesses([socket])).toEqual([]);
    expect(running(serverPid)).toBe(false);
  });

  it.each([
    ['started a new one', true],
    ['was never started again', false],
  ])('of a backend whose server was killed and that %s', async (_, restart) => {
    const backend = track(new TmuxBackend({ killGraceMs: 200 }));
    expectOk(await backend.initialize({}));
    const first = expectOk(await backend.createSession());
    await leaveJobs(backend, first.id);
    const crashed = new Promise((resolve) => backend.once('health-changed', resolve));
    tmux(backend.socket, 'kill-server');
    await crashed;
    if (restart) {
      expectOk(await backend.initialize({}));
      const second = expectOk(await backend.createSession());
      await leaveJobs(backend, second.id);
    }
    const socket = backend.socket;
    await backend.shutdown();
    expect(listTmuxProcesses([socket])).toEqual([]);
  });

  it('on a shared server: the sessions it created and its control client, and nothing of the others', async () => {
    const shared = `/tmp/vth-shared-shutdown-${process.pid}`;
    tmux(shared, '-f', '/dev/null', 'new-session', '-d', '-s', 'theirs', 'tail -f /dev/null');
    try {
      // By pid: a pane's process may still be tmux's fork, not yet its command, when first listed.
      const processesOfServer = () => listTmuxProcesses([shared]).map((entry) => entry.split(' ')[0]);
      const before = processesOfServer();
      const guest = track(new TmuxBackend({ socketPath: shared, killGraceMs: 200 }));
      expectOk(await guest.initialize({}));
      const s = expectOk(await guest.createSession());
      expectOk(await guest.executeCommand(s.id, "trap '' HUP TERM"));
      const pids = await leaveJobs(guest, s.id);
      await guest.shutdown();
      expect(processesOfServer()).toEqual(before);
      expect(pids.filter(running)).toEqual([]);
      expect(tmux(shared, 'list-sessions', '-F', '#{session_name}').trim()).toBe('theirs');
    } finally {
      expect(await endServer(shared)).toBe(true);
      rmSync(shared, { force: true });
    }
  });
});
