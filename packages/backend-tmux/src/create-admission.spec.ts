import { expectOk } from '@vth/testkit';
import { listTmuxLeaks, running, tmux, track, until } from '../test/tmux-fixtures';
import { TmuxBackend } from './tmux-backend';
import { paneProcesses } from './tmux-processes';

/** Pids of the pane shells on the backend's server (a window linked into two sessions is listed twice). */
const panePids = (backend: TmuxBackend): number[] =>
  [...new Set(tmux(backend.socket, 'list-panes', '-a', '-F', '#{pane_pid}').split('\n').filter(Boolean))]
    .map(Number)
    .sort();

/** Names of the sessions on the backend's server, its control session left out. */
const sessionNames = (backend: TmuxBackend): string[] =>
  tmux(backend.socket, 'list-sessions', '-F', '#{session_name}')
    .split('\n')
    .filter((name) => name !== '' && !name.startsWith('vth-ctl-'))
    .sort();

describe('createSession through the admission queue (maxConcurrentCreates)', () => {
  jest.setTimeout(60_000);
  let backend: TmuxBackend;

  afterEach(async () => {
    await backend?.shutdown();
    expect(await listTmuxLeaks()).toEqual([]);
  });

  it('40 concurrent creates with 4 at a time all succeed, each admitted in call order', async () => {
    backend = track(new TmuxBackend({ maxConcurrentCreates: 4 }));
    expectOk(await backend.initialize({}));
    const resolved: number[] = [];
    const ids = Array.from({ length: 40 }, (_, i) => `s${String(i).padStart(2, '0')}`);
    const created = await Promise.all(
      ids.map((sessionId, i) =>
        backend.createSession({ sessionId }).then((r) => {
          resolved.push(i);
          return r;
        }),
      ),
    );
    for (const r of created) expectOk(r);
    // Create i gets a turn only after i - 3 turns were given back, each after its own create resolved: a
    // create resolving earlier than that was admitted out of order or beyond the limit.
    resolved.forEach((i, rank) => expect(rank).toBeGreaterThanOrEqual(i - 3));
    expect(sessionNames(backend)).toEqual(ids);
    const echoed = await Promise.all(ids.map((id) => backend.executeCommand(id, `echo ${id}`)));
    expect(echoed.map((r) => expectOk(r).output)).toEqual(ids.map((id) => `${id}\n`));
  });

  it('a waiting create whose signal aborts is TIMEOUT, not dispatched, and leaves no window and no shell', async () => {
    backend = track(new TmuxBackend({ maxConcurrentCreates: 1 }));
    expectOk(await backend.initialize({}));
    const controller = new AbortController();
    // The first holds the only turn (taken synchronously), so the second waits.
    const first = backend.createSession({ sessionId: 'first' });
    const waiting = backend.createSession({ sessionId: 'waiting' }, { signal: controller.signal });
    controller.abort();
    const refused = await waiting;
    expect(!refused.ok && refused.error).toMatchObject({ code: 'TIMEOUT', dispatched: false });
    expectOk(await first);
    expectOk(await backend.executeCommand('first', 'true'));
    // The id it claimed is free again; tmux made one session and one pane shell besides the control pane.
    expect(sessionNames(backend)).toEqual(['first']);
    const windows = tmux(backend.socket, 'list-windows', '-a', '-F', '#{session_name}').split('\n');
    expect(windows.filter((w) => w !== '' && !w.startsWith('vth-ctl-'))).toEqual(['first']);
    const panes = panePids(backend);
    expect(panes).toHaveLength(2); // the control pane and "first"
    expect(paneProcesses(backend.socket).filter(running).sort()).toEqual(panes);
    expectOk(await backend.createSession({ sessionId: 'waiting' }));
  });

  it('a new-session tmux answers too late is TIMEOUT, dispatched, and the session tmux then made is ended', async () => {
    backend = track(new TmuxBackend({ commandTimeoutMs: 1000 }));
    expectOk(await backend.initialize({}));
    const serverPid = Number((await backend.getHealth()).details?.['serverPid']);
    process.kill(serverPid, 'SIGSTOP');
    let late;
    try {
      late = await backend.createSession({ sessionId: 'late' });
    } finally {
      process.kill(serverPid, 'SIGCONT');
    }
    expect(!late.ok && late.error).toMatchObject({ code: 'TIMEOUT', dispatched: true });
    // Commands on the control client run in order: once a later create is answered, tmux has made "late"
    // and carried out what was queued behind it.
    expectOk(await backend.createSession({ sessionId: 'after' }));
    // Its shell has started (a pane's process names its server in TMUX only once it runs the shell).
    expectOk(await backend.executeCommand('after', 'true'));
    expect(sessionNames(backend)).toEqual(['after']);
    const panes = panePids(backend);
    expect(panes).toHaveLength(2); // the control pane and "after"
    expect(await until(() => paneProcesses(backend.socket).filter(running).length === 2)).toBe(true);
    expect(paneProcesses(backend.socket).filter(running).sort()).toEqual(panes);
  });
});
