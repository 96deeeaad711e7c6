import { type SessionClosedEvent } from '@vth/core';
import { expectOk } from '@vth/testkit';
import { TmuxBackend } from './tmux-backend';
import { track } from '../test/tmux-fixtures';

/**
 * How a session whose shell ended is reported: a shell that exits says so through its EXIT trap first, one
 * killed by a signal it cannot trap (SIGKILL) vanishes without a word. A manager moves a crashed session to
 * another backend and forgets an exited one, so the two must not look alike.
 */
describe('tmux: how a session whose shell ended is reported', () => {
  let backend: TmuxBackend;
  beforeEach(async () => {
    backend = track(new TmuxBackend({ interruptGraceMs: 300, killGraceMs: 200 }));
    expectOk(await backend.initialize({}));
  });
  afterEach(() => backend.shutdown());

  function closed(sessionId: string): Promise<SessionClosedEvent> {
    return new Promise((resolve) => {
      const listener = (e: SessionClosedEvent) => {
        if (e.sessionId !== sessionId) return;
        backend.off('session-closed', listener);
        resolve(e);
      };
      backend.on('session-closed', listener);
    });
  }

  it('a shell killed with SIGKILL: the session closes as crashed', async () => {
    const s = expectOk(await backend.createSession());
    const pid = Number(expectOk(await backend.executeCommand(s.id, 'echo $$')).output);
    const ended = closed(s.id);
    process.kill(pid, 'SIGKILL');
    expect(await ended).toMatchObject({ sessionId: s.id, reason: 'crashed' });
  });

  it('a shell that exits by itself (exit 3): the session closes as exited', async () => {
    const s = expectOk(await backend.createSession());
    expectOk(await backend.executeCommand(s.id, 'true'));
    const ended = closed(s.id);
    const run = await backend.executeCommand(s.id, 'exit 3');
    expect(run.ok && run.value.exitCode).toBe(3);
    expect(await ended).toMatchObject({ sessionId: s.id, reason: 'exited' });
  });
});
