import { type BackendError } from '@vth/core';
import { expectOk } from '@vth/testkit';
import { type ManagerEvents } from '../context/manager-context';
import { type ManagerEventMap } from '../manager-events';
import { ManagerCounters } from '../metrics/manager-counters';
import { looseMember, pinnedSession } from '../../test/fake-pool';
import { FakeBackend } from '../testing';
import { relayEvents } from './event-relay';
import { type ManagedSession } from './managed-session';
import { SessionTable } from './session-table';

type Seen = Array<[keyof ManagerEventMap, unknown]>;

async function setup() {
  const member = looseMember('a');
  const backend = new FakeBackend();
  expectOk(await backend.initialize());
  const seen: Seen = [];
  const events: ManagerEvents = {
    emit: (event, ...args) => void seen.push([event, args[0]]),
    error: (e: BackendError) => void seen.push(['error', e]),
  };
  const counters = new ManagerCounters();
  const sessions = new SessionTable({ managerId: 'mgr', closed: () => undefined });
  const lost: string[] = [];
  const unhealthy: string[] = [];
  const detach = relayEvents(member, backend, {
    managerId: 'mgr',
    events,
    counters,
    sessions,
    lost: (s, why) => lost.push(`${s.id}: ${why}`),
    idle: () => undefined,
    unhealthy: (m) => unhealthy.push(m.id),
  });
  member.adopt(backend, detach);
  /** A managed session `id` living on the fake as `innerId`. */
  const open = async (id: string, innerId = id): Promise<ManagedSession> => {
    const info = expectOk(await backend.createSession({ sessionId: innerId }));
    const s = pinnedSession(member, id, { innerId: info.id, panes: info.panes, cwd: info.cwd });
    sessions.add(s);
    return s;
  };
  return { member, backend, seen, counters, sessions, lost, unhealthy, open };
}

describe('relayEvents', () => {
  it("speaks of the manager's session ids and id, and follows each session's cwd and environment", async () => {
    const { backend, seen, counters, open } = await setup();
    const s = await open('outer', 'inner');
    expectOk(await backend.executeCommand('inner', 'export A=1 && cd /srv && echo hi'));
    const kinds = seen.map(([event]) => event);
    expect(kinds).toEqual(expect.arrayContaining(['command-started', 'output', 'command-completed']));
    for (const [event, payload] of seen) {
      if (event === 'command-completed')
        expect(payload).toMatchObject({ sessionId: 'outer', backendId: 'mgr' });
      else expect(payload).toMatchObject({ sessionId: 'outer' });
    }
    expect(s.cwd).toBe('/srv');
    expect(s.environment.snapshot().env).toMatchObject({ A: '1' });
    expect(counters.snapshot('mgr', 'manager', 1).commands).toMatchObject({ started: 1, completed: 1 });
  });

  it('ignores sessions that are not live and pinned there (a probe session, one moving away)', async () => {
    const { backend, seen, open } = await setup();
    expectOk(await backend.createSession({ sessionId: 'probe' }));
    const s = await open('moving');
    s.unpin();
    expectOk(await backend.executeCommand('probe', 'true'));
    expectOk(await backend.executeCommand('moving', 'true'));
    expect(seen).toEqual([]);
  });

  it('turns a crashed shell into a failover, and a destroyed one into session-closed', async () => {
    const { backend, seen, sessions, lost, open } = await setup();
    await open('ends');
    expectOk(await backend.destroySession('ends'));
    expect(seen).toContainEqual([
      'session-closed',
      expect.objectContaining({ sessionId: 'ends', reason: 'destroyed' }),
    ]);
    expect(sessions.get('ends')).toBeUndefined();
    await open('dies');
    backend.crash();
    expect(lost).toEqual(['dies: its shell on a crashed']);
  });

  it('reports the backend health as the member health, probes an unhealthy one at once, and stops when detached', async () => {
    const { member, backend, seen, unhealthy } = await setup();
    backend.setDown(true);
    expect(seen).toContainEqual([
      'backend-health-changed',
      expect.objectContaining({ backendId: 'a', current: expect.objectContaining({ status: 'unhealthy' }) }),
    ]);
    expect(unhealthy).toEqual(['a']);
    member.retire();
    const before = seen.length;
    backend.setDown(false);
    expect(seen).toHaveLength(before);
  });
});
