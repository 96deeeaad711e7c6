import { expectOk } from '@vth/testkit';
import { looseMember, pinnedSession } from '../../test/fake-pool';
import { FakeBackend } from '../testing';

const member = looseMember;

describe('PoolMember', () => {
  it('tells every operation waiting for its sessions to leave; none replaces another', () => {
    const m = member();
    const [s1, s2] = [pinnedSession(m, 's1'), pinnedSession(m, 's2')];
    const drain: number[] = [];
    const experiment: number[] = [];
    const stopDrain = m.whenSessionLeaves(() => drain.push(m.sessions.size));
    m.whenSessionLeaves(() => experiment.push(m.sessions.size));
    expect(m.unpin(s1)).toBe(true);
    stopDrain();
    expect(m.unpin(s2)).toBe(true);
    expect(m.unpin(s2)).toBe(false);
    expect(drain).toEqual([1]);
    expect(experiment).toEqual([1, 0]);
    expect(m.sessionOf('s1')).toBeUndefined();
  });

  it('a listener that unsubscribes while told does not keep the others from being told', () => {
    const m = member();
    pinnedSession(m, 's1');
    const told: string[] = [];
    const first = m.whenSessionLeaves(() => {
      told.push('first');
      first();
    });
    m.whenSessionLeaves(() => told.push('second'));
    m.unpinAll();
    expect(told).toEqual(['first', 'second']);
    expect(m.sessions.size).toBe(0);
  });

  it('runs one exclusive operation at a time: BUSY until its lease is released (once)', () => {
    const m = member('tmux');
    const drain = expectOk(m.lease('drain'));
    const swap = m.lease('swap');
    expect(!swap.ok && [swap.error.code, swap.error.message]).toEqual([
      'BUSY',
      'backend tmux is already in a drain',
    ]);
    expect(m.busyWith).toBe('drain');
    drain.release();
    const removal = expectOk(m.lease('removal'));
    // A stale release of the first lease must not free the second one.
    drain.release();
    expect(m.busyWith).toBe('removal');
    removal.release();
    expect(m.busyWith).toBeUndefined();
  });

  it('drains by named transitions; a later request to let sessions finish does not undo a move', () => {
    const m = member();
    const target = member('b');
    expect(m.draining).toBe(false);
    m.beginDrain({ mode: 'move', reason: 'drain', target });
    m.beginDrain({ mode: 'finish', reason: 'experiment-stopped' });
    expect(m.drain).toEqual({ mode: 'move', reason: 'drain', target });
    expect(m.draining).toBe(true);
    m.undrain();
    expect([m.draining, m.drain]).toEqual([false, undefined]);
    m.beginDrain({ mode: 'finish', reason: 'experiment-stopped' });
    m.beginDrain({ mode: 'move', reason: 'hot-swap' });
    expect(m.drain).toEqual({ mode: 'move', reason: 'hot-swap', target: undefined });
  });

  it('stays out of rotation while held back, and for good once retired', () => {
    const m = member();
    m.holdBack();
    expect(m.draining).toBe(true);
    m.admit();
    expect(m.draining).toBe(false);
    m.retire();
    expect([m.retired, m.draining]).toEqual([true, true]);
  });

  it('adopts a new instance with a fresh breaker, detaching the old one, and hands the old one back', () => {
    const m = member();
    const first = new FakeBackend();
    const second = new FakeBackend();
    const detached: string[] = [];
    expect(m.adopt(first, () => detached.push('first'))).toBeUndefined();
    const breaker = m.breaker;
    expect(m.adopt(second, () => detached.push('second'))).toBe(first);
    expect(detached).toEqual(['first']);
    expect(m.breaker).not.toBe(breaker);
    expect(m.backend).toBe(second);
    expect(m.retire()).toBe(second);
    expect(detached).toEqual(['first', 'second']);
    expect(m.backend).toBeUndefined();
  });
});
