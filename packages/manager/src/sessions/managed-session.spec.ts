import { ok, type CommandExecution } from '@vth/core';
import { looseMember, pinnedSession } from '../../test/fake-pool';
import { type ManagedSession, type Member } from './managed-session';

const member = (id: string): Member => looseMember(id);

function session(m: Member): ManagedSession {
  return pinnedSession(m, 's1', {
    options: { cwd: '/start', cols: 80, rows: 24, labels: { team: 'x' } },
    key: 'u1',
    panes: ['%0'],
  });
}

describe('ManagedSession', () => {
  it('moves live -> moving -> live, pinned to its new backend, with pane ids translated both ways', async () => {
    const [a, b] = [member('a'), member('b')];
    const s = session(a);
    expect([s.state, s.cwd, s.translated]).toEqual(['live', '/start', false]);
    let land!: () => void;
    s.unpin();
    s.beginMove(
      () =>
        new Promise((resolve) => {
          land = () => {
            s.arrive(b, { id: 'fake-9', panes: ['0'] });
            s.settle('/srv');
            resolve(ok());
          };
        }),
    );
    expect([s.state, s.movedSince(0), a.sessions.size]).toEqual(['moving', true, 0]);
    land();
    await s.move;
    expect([s.state, s.member, s.innerId, s.moves, s.move, s.cwd]).toEqual([
      'live',
      b,
      'fake-9',
      1,
      undefined,
      '/srv',
    ]);
    expect([s.innerPane('%0'), s.outerPane('0'), s.translated]).toEqual(['0', '%0', true]);
    expect(b.sessionOf('fake-9')).toBe(s);
    expect(s.movedSince(1)).toBe(false);
  });

  it('closes through closing (or back to live when its backend refuses), and closed stays closed', () => {
    const s = session(member('a'));
    expect(s.beginClosing()).toBe(true);
    expect(s.beginClosing()).toBe(false);
    s.cancelClosing();
    expect(s.state).toBe('live');
    expect(s.close()).toBe(true);
    expect(s.close()).toBe(false);
    expect(s.beginClosing()).toBe(false);
    expect(s.ended()).toMatchObject({ ok: false, error: { code: 'SESSION_NOT_FOUND' } });
  });

  it('counts its calls in flight and says when it becomes idle', () => {
    const s = session(member('a'));
    s.callStarted();
    s.callStarted();
    expect(s.callEnded()).toBe(false);
    expect(s.callEnded()).toBe(true);
    expect(s.inFlight).toBe(0);
  });

  it('describes itself in the caller terms: its id, the manager id, its panes and labels', () => {
    const s = session(member('a'));
    expect(s.info('mgr', undefined)).toEqual({
      id: 's1',
      backendId: 'mgr',
      createdAt: s.createdAt,
      cwd: '/start',
      panes: ['%0'],
      alive: true,
      labels: { team: 'x' },
    });
    const e = { sessionId: 's1', paneId: '%0', backendId: 'a-123' } as CommandExecution;
    expect(s.execution('mgr', e)).toMatchObject({ sessionId: 's1', paneId: '%0', backendId: 'mgr' });
  });
});
