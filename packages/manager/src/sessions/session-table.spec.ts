import { BackendError } from '@vth/core';
import { expectOk } from '@vth/testkit';
import { looseMember, pinnedSession } from '../../test/fake-pool';
import { type ManagedSession, type Member } from './managed-session';
import { SessionTable } from './session-table';

const member = (): Member => looseMember('a');
const session = (id: string, m: Member): ManagedSession => pinnedSession(m, id);

describe('SessionTable', () => {
  it('reserves an id while its session is created: a second create with it is INVALID_INPUT', () => {
    const table = new SessionTable({ managerId: 'mgr', closed: () => undefined });
    const release = expectOk(table.reserve('s1'));
    const again = table.reserve('s1');
    expect(!again.ok && [again.error.code, again.error.message]).toEqual([
      'INVALID_INPUT',
      'a session with id "s1" already exists',
    ]);
    release();
    table.add(session('s1', member()));
    expect(!table.reserve('s1').ok).toBe(true);
  });

  it('finds a session; else says why it was lost, that the id is malformed, or that there is none', () => {
    const table = new SessionTable({ managerId: 'mgr', closed: () => undefined });
    const s = session('s1', member());
    table.add(s);
    expect(expectOk(table.find('s1'))).toBe(s);
    const lost = new BackendError('SESSION_NOT_FOUND', 'session s2 was lost (crash)', { dispatched: false });
    table.rememberLost('s2', lost);
    const found = table.find('s2');
    expect(!found.ok && found.error).toBe(lost);
    const bad = table.find('no spaces allowed' as string);
    expect(!bad.ok && bad.error.code).toBe('INVALID_INPUT');
    const none = table.find('s3');
    expect(!none.ok && none.error.message).toBe('no session "s3" in manager mgr');
  });

  it('forgets a session once: closed, unpinned from its backend, and counted as closed once', () => {
    const closed: string[] = [];
    const table = new SessionTable({ managerId: 'mgr', closed: (s) => closed.push(s.id) });
    const m = member();
    const s = session('s1', m);
    table.add(s);
    table.forget(s);
    table.forget(s);
    expect([s.state, m.sessions.size, table.size, closed]).toEqual(['closed', 0, 0, ['s1']]);
  });

  it('explains at most the 1000 most recent lost sessions', () => {
    const table = new SessionTable({ managerId: 'mgr', closed: () => undefined });
    const error = new BackendError('SESSION_NOT_FOUND', 'lost', { dispatched: false });
    for (let i = 0; i <= 1000; i++) table.rememberLost(`s${i}`, error);
    expect(table.find('s0')).toMatchObject({
      ok: false,
      error: { message: 'no session "s0" in manager mgr' },
    });
    expect(table.find('s1')).toMatchObject({ ok: false, error: { message: 'lost' } });
  });

  it('closes every session at once at shutdown', () => {
    const table = new SessionTable({ managerId: 'mgr', closed: () => undefined });
    const m = member();
    const sessions = [session('s1', m), session('s2', m)];
    for (const s of sessions) table.add(s);
    expect(table.closeAll()).toEqual(sessions);
    expect(sessions.map((s) => s.state)).toEqual(['closed', 'closed']);
    expect(table.size).toBe(0);
  });
});
