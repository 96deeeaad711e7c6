import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { plugin as nodePtyPlugin } from '@vth/backend-node-pty';
import { plugin as tmuxPlugin, type TmuxBackend } from '@vth/backend-tmux';
import { BackendFactory } from '@vth/factory';
import { expectOk, listDescendantProcesses, pollUntil } from '@vth/testkit';
import { BackendManager, type SessionMigratedEvent } from '../src';

const SESSIONS = 20;
const COMMANDS_PER_SESSION = 15;
/** The tmux server dies once every session has finished this many commands. */
const KILL_AFTER = 4;

interface Outcome {
  id: string;
  result: 'ok' | 'dispatched-error' | 'other-error';
  detail?: string;
}

describe('failover with real backends: the tmux server dies under load', () => {
  const log = `/tmp/vth-failover-${randomBytes(6).toString('hex')}.log`;
  let manager: BackendManager;

  afterAll(async () => {
    await manager?.shutdown();
    rmSync(log, { force: true });
  });

  it('moves all 20 sessions to node-pty; no command runs twice and none is silently lost', async () => {
    manager = new BackendManager({ factory: new BackendFactory({ plugins: [tmuxPlugin, nodePtyPlugin] }) });
    expectOk(
      await manager.initialize({
        backends: [
          { type: 'tmux', id: 'tmux' },
          { type: 'node-pty', id: 'pty' },
        ],
        strategy: 'primary-fallback',
      }),
    );
    const migrated: Array<SessionMigratedEvent & { at: number }> = [];
    manager.on('session-migrated', (e) => migrated.push({ ...e, at: performance.now() }));

    const sessions: string[] = [];
    for (let i = 0; i < SESSIONS; i++) {
      const s = expectOk(await manager.createSession({ env: { SESSION_NO: String(i) } }));
      expectOk(await manager.executeCommand(s.id, `export STARTED=yes-${i}; cd /tmp`));
      sessions.push(s.id);
    }
    expect(sessions.map((id) => manager.backendOf(id))).toEqual(Array(SESSIONS).fill('tmux'));

    const socket = (manager.instanceOf('tmux') as TmuxBackend).socket;
    let done = 0;
    let killedAt = 0;
    const ready = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (done >= SESSIONS * KILL_AFTER) {
          clearInterval(check);
          resolve();
        }
      }, 1);
    });
    const outcomes: Outcome[] = [];

    const stream = async (index: number, sessionId: string): Promise<void> => {
      for (let n = 0; n < COMMANDS_PER_SESSION; n++) {
        const id = `c${index}-${n}`;
        // The line is written before the pause, so a command cut short by the crash may have left it.
        const r = await manager.executeCommand(
          sessionId,
          `echo ${id} >> ${log}; sleep 0.0$((RANDOM % 5)); echo "done $STARTED $SESSION_NO $(pwd)"`,
        );
        done++;
        if (r.ok && r.value.output === `done yes-${index} ${index} /tmp\n` && r.value.exitCode === 0) {
          outcomes.push({ id, result: 'ok' });
        } else if (!r.ok && r.error.code === 'BACKEND_CRASHED' && r.error.dispatched) {
          outcomes.push({ id, result: 'dispatched-error' });
        } else {
          outcomes.push({
            id,
            result: 'other-error',
            detail: JSON.stringify(r.ok ? r.value : r.error.toJSON()),
          });
        }
      }
    };
    const running = sessions.map((id, i) => stream(i, id));
    await ready;
    killedAt = performance.now();
    execFileSync('tmux', ['-S', socket, 'kill-server']);
    await Promise.all(running);

    // Every session continues on node-pty with its environment and working directory.
    expect(sessions.map((id) => manager.backendOf(id))).toEqual(Array(SESSIONS).fill('pty'));
    expect(migrated).toHaveLength(SESSIONS);
    for (const e of migrated)
      expect(e).toMatchObject({ from: 'tmux', to: 'pty', cwd: '/tmp', untracked: [] });

    // Nothing silently lost: each command either completed right, or its caller heard it may have run.
    expect(outcomes.filter((o) => o.result === 'other-error')).toEqual([]);
    expect(outcomes).toHaveLength(SESSIONS * COMMANDS_PER_SESSION);
    // Nothing ran twice: the log holds each command at most once, and each completed one exactly once.
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    const counts = new Map<string, number>();
    for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
    for (const o of outcomes) if (o.result === 'ok') expect(counts.get(o.id)).toBe(1);
    // The crash cut some commands short (a few may have ended just before it).
    const cut = outcomes.filter((o) => o.result === 'dispatched-error').length;
    expect(cut).toBeLessThanOrEqual(SESSIONS);

    const lastMove = Math.max(...migrated.map((e) => e.at));
    console.log(
      `tmux server killed: ${SESSIONS} sessions moved to node-pty, the last ${(lastMove - killedAt).toFixed(1)} ms after the kill; ` +
        `${cut} commands in flight failed BACKEND_CRASHED (dispatched), ${outcomes.length - cut} completed`,
    );
  }, 60_000);

  it('leaves no process and no tmux socket behind after shutdown', async () => {
    const socket = (manager.instanceOf('tmux') as TmuxBackend | undefined)?.socket;
    await manager.shutdown();
    const leaks = await pollUntil(
      () => listDescendantProcesses(),
      (l) => l.length === 0,
      { timeoutMs: 5000 },
    );
    expect(leaks).toEqual([]);
    if (socket) expect(existsSync(socket)).toBe(false);
  });
});
