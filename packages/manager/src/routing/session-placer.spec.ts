import { expectOk } from '@vth/testkit';
import { fakePool } from '../../test/fake-pool';
import { type SelectionStrategy } from '../backend-view';
import { experimentSpecSchema } from '../experiment-config';
import { ExperimentSet } from '../experiments/experiment-set';
import { CircuitGuard } from '../pool/circuit-breaker';
import { type Member } from '../sessions/managed-session';
import { StrategyRegistry } from '../strategies/strategy-registry';
import { createFakePlugin, type FakePlugin } from '../testing';
import { RetryRunner } from './retry-runner';
import { SessionPlacer } from './session-placer';

const firstOf: SelectionStrategy = new StrategyRegistry().create('primary-fallback')!;

/** A placer over fake backends `a` and `b` in the main pool, and `v` in the group of variant `x.t`. */
async function setup(strategy: SelectionStrategy = firstOf, fakes?: FakePlugin) {
  const base = fakePool(
    { retry: { maxRetries: 0 }, health: { consecutiveFailures: 100 } },
    fakes ? { fakes } : {},
  );
  const { pool, member, config } = base;
  const a = await member('a');
  const b = await member('b');
  const v = await member('x.t.fake', pool.addGroup('x.t', { experiment: 'x', variant: 't' }));
  const placer = new SessionPlacer({
    pool,
    strategy,
    random: () => 0.5,
    clock: base.clock,
    events: base.events,
    guard: new CircuitGuard<Member>(() => undefined),
    health: base.health,
    retries: new RetryRunner(config.retry, base.readiness.halt),
  });
  const spec = { type: 'fake' };
  const experiments = new ExperimentSet();
  const x = experimentSpecSchema.parse({
    name: 'x',
    variants: [
      { name: 't', backends: [spec] },
      { name: 'u', weight: 0, backends: [spec] },
    ],
  });
  experiments.start(x, (variant) => `x.${variant}`);
  const open = (placement: Parameters<SessionPlacer['open']>[3]) =>
    placer.open(() => ({}), undefined, 'u1', placement);
  return { ...base, placer, a, b, v, open, assignment: experiments.assign('u1', undefined) };
}

describe('SessionPlacer', () => {
  it("places a session in its variant's group first, and in the main pool when the variant has none left", async () => {
    const { placer, v, open, assignment } = await setup();
    const groups = placer.groupsFor(assignment);
    expect(groups.map((g) => g.id)).toEqual(['x.t', 'main']);
    expect(expectOk(await open({ groups })).member.id).toBe('x.t.fake');
    v.beginDrain({ mode: 'finish', reason: 'experiment-stopped' });
    expect(expectOk(await open({ groups })).member.id).toBe('a');
  });

  it('tries the preferred backend first, and a backend to avoid only when nothing else can take it', async () => {
    const { pool, a, b, open } = await setup();
    expect(expectOk(await open({ groups: [pool.main], prefer: b })).member).toBe(b);
    expect(expectOk(await open({ groups: [pool.main], avoid: new Set([a]) })).member).toBe(b);
    b.beginDrain({ mode: 'move', reason: 'drain' });
    expect(expectOk(await open({ groups: [pool.main], avoid: new Set([a]) })).member).toBe(a);
  });

  it('tries the next backend after a failure of the backend (recorded against it), not after one that may have run', async () => {
    const { pool, a, fakeOf, open } = await setup();
    fakeOf(a).failNext(1, { code: 'UNAVAILABLE', dispatched: false, on: 'createSession' });
    expect(expectOk(await open({ groups: [pool.main] })).member.id).toBe('b');
    expect(a.tracker.snapshot(Date.now()).consecutiveFailures).toBe(1);
    fakeOf(a).failNext(1, { code: 'INTERNAL', dispatched: true, on: 'createSession' });
    const r = await open({ groups: [pool.main] });
    expect(!r.ok && r.error).toMatchObject({ code: 'INTERNAL', dispatched: true, backendId: 'a' });
  });

  it('rebuilds a backend that lost everything and tries it once more', async () => {
    const fakes = createFakePlugin();
    const { a, b, fakeOf, open } = await setup(firstOf, fakes);
    b.beginDrain({ mode: 'move', reason: 'drain' });
    fakeOf(a).crash();
    const placed = expectOk(await open({ groups: [a.group] }));
    expect(placed.member).toBe(a);
    expect(a.backend).toBe(fakes.instances[fakes.instances.length - 1]);
  });

  it('survives a strategy that throws: the first candidate, and an error event', async () => {
    const throwing: SelectionStrategy = {
      name: 'broken',
      select: () => {
        throw new Error('bug');
      },
    };
    const { pool, open, errors } = await setup(throwing);
    expect(expectOk(await open({ groups: [pool.main] })).member.id).toBe('a');
    expect(errors.map((e) => [e.code, e.message])).toEqual([
      ['INTERNAL', 'strategy "broken" threw: Error: bug'],
    ]);
  });

  it('answers UNAVAILABLE naming every attempt when no backend can take the session', async () => {
    const { pool, a, b, fakeOf, open } = await setup();
    for (const m of [a, b])
      fakeOf(m).failNext(1, { code: 'TIMEOUT', dispatched: false, on: 'createSession' });
    const r = await open({ groups: [pool.main] });
    expect(!r.ok && r.error.code).toBe('UNAVAILABLE');
    expect(!r.ok && r.error.details?.['attempts']).toEqual([
      expect.stringMatching(/^a: /),
      expect.stringMatching(/^b: /),
    ]);
  });
});
