import { ok } from '@vth/core';
import { expectOk } from '@vth/testkit';
import { fakePool, pinnedSession, proberOf } from '../../test/fake-pool';
import { type SessionMover } from './drain';
import { HotSwaps } from './hot-swap';

/** A saga over backend `a` (one session on it); its mover moves sessions to the drain's target. */
async function setup() {
  const base = fakePool({ probe: { enabled: false } });
  const { pool, readiness, health, events, counters } = base;
  const a = await base.member('a');
  const prober = proberOf(base);
  const mover: SessionMover = {
    sessionLost: (s) => {
      const to = s.member.drain!.target!;
      s.unpin();
      s.beginMove(async () => {
        s.arrive(to, { id: s.id, panes: ['0'] });
        s.settle(undefined);
        return ok();
      });
    },
  };
  const s = pinnedSession(a, 's1');
  const swaps = new HotSwaps({
    readiness,
    plugins: base.factory,
    pool,
    prober,
    health,
    mover,
    events,
    counters,
    defaultProbes: 2,
  });
  return { ...base, a, s, swaps };
}

describe('HotSwaps', () => {
  it('verifies the replacement out of rotation, drains the old backend into it, and hands it the id', async () => {
    const { swaps, a, s, pool, fakes, seen, counters } = await setup();
    const oldInstance = a.backend;
    const report = expectOk(await swaps.swap('a', { type: 'fake' }, {}));
    expect(report).toMatchObject({ backendId: 'a', replacement: 'a', moved: 1, forced: 0, lost: 0 });
    const replacement = pool.get('a')!;
    expect(replacement).not.toBe(a);
    expect([a.retired, replacement.draining, replacement.order]).toEqual([true, false, a.order]);
    expect(s.member).toBe(replacement);
    // Verified with two probes in a probe session of its own, before any session moved in.
    expect(fakes.instances[1]!.ran).toEqual(['true', 'true']);
    expect(oldInstance).toBe(fakes.instances[0]);
    expect(fakes.instances[0]!.initialized).toBe(false);
    expect(seen.map(([e]) => e)).toEqual(expect.arrayContaining(['swap-started', 'backend-swapped']));
    expect(counters.pool().swaps).toMatchObject({ succeeded: 1, failed: 0 });
  });

  it('rolls back a replacement that fails a probe: shut down, the old backend released and untouched', async () => {
    const { swaps, a, s, pool, fakes, seen, counters } = await setup();
    const create = fakes.plugin.create;
    fakes.plugin.create = (config) => {
      const backend = create(config);
      fakes.instances[fakes.instances.length - 1]!.failNext(1, { code: 'UNAVAILABLE', dispatched: false });
      return backend;
    };
    const r = await swaps.swap('a', { type: 'fake' }, { probes: 3 });
    fakes.plugin.create = create;
    expect(!r.ok && r.error.message).toMatch(
      /^hot swap of a rolled back: the replacement failed probe 1 of 3: /,
    );
    expect(seen).toContainEqual([
      'swap-failed',
      expect.objectContaining({ backendId: 'a', replacement: 'a~next' }),
    ]);
    expect([pool.get('a~next'), fakes.instances[1]!.initialized]).toEqual([undefined, false]);
    expect([a.draining, a.busyWith, s.member]).toEqual([false, undefined, a]);
    expect(counters.pool().swaps).toMatchObject({ succeeded: 0, failed: 1 });
    expectOk(await swaps.swap('a', { type: 'fake' }, {}));
  });

  it('refuses a replacement id already in use, and releases the old backend', async () => {
    const { swaps, a, member } = await setup();
    await member('b');
    const r = await swaps.swap('a', { type: 'fake', id: 'b' }, {});
    expect(!r.ok && r.error.message).toBe('a backend with id "b" is already in the pool');
    expect(a.busyWith).toBeUndefined();
  });
});
