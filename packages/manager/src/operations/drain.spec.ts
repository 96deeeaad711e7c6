import { ok } from '@vth/core';
import { fakePool, pinnedSession } from '../../test/fake-pool';
import { type ManagedSession } from '../sessions/managed-session';
import { drainMember, type SessionMover } from './drain';

/** Backends `a` and `b`; sessions on `a`; a mover that moves a session to `b` and says why. */
async function setup() {
  const { member } = fakePool();
  const [a, b] = [await member('a'), await member('b')];
  const moves: string[] = [];
  const mover: SessionMover = {
    sessionLost: (s, why, reason) => {
      moves.push(`${s.id}: ${why} (${reason})`);
      s.unpin();
      s.beginMove(async () => {
        s.arrive(b, { id: s.id, panes: ['0'] });
        s.settle(undefined);
        return ok();
      });
    },
  };
  const open = (id: string): ManagedSession => pinnedSession(a, id);
  return { a, b, moves, mover, open };
}

describe('drainMember', () => {
  it('moves idle sessions now and waits for the busy one, out of rotation meanwhile', async () => {
    const { a, b, moves, mover, open } = await setup();
    const idle = open('idle');
    const busy = open('busy');
    busy.callStarted();
    const draining = drainMember(
      a,
      { timeoutMs: 600_000, mode: 'move', target: b, reason: 'hot-swap' },
      mover,
    );
    expect(a.drain).toEqual({ mode: 'move', reason: 'hot-swap', target: b });
    expect(moves).toEqual(['idle: backend a is draining (hot-swap)']);
    // What the router does when the busy session's call ends.
    busy.callEnded();
    mover.sessionLost(busy, 'backend a is draining', 'hot-swap');
    const report = await draining;
    expect(report).toMatchObject({ backendId: 'a', moved: 2, ended: 0, forced: 0, lost: 0 });
    expect([idle.member, busy.member]).toEqual([b, b]);
  });

  it("in 'finish' mode counts sessions that end by themselves, and moves the rest at the deadline", async () => {
    const { a, moves, mover, open } = await setup();
    const ends = open('ends');
    open('stays');
    const draining = drainMember(a, { timeoutMs: 1, mode: 'finish', reason: 'drain' }, mover);
    expect(moves).toEqual([]);
    ends.close();
    ends.unpin();
    const report = await draining;
    expect(report).toMatchObject({ moved: 1, ended: 1, forced: 1 });
    expect(moves).toEqual(['stays: backend a is draining; its drain deadline passed (drain)']);
  });

  it('resolves at once for an empty backend', async () => {
    const { a, mover } = await setup();
    expect(await drainMember(a, { timeoutMs: 600_000, mode: 'move', reason: 'drain' }, mover)).toMatchObject({
      moved: 0,
      ended: 0,
      forced: 0,
    });
  });
});
