import { expectOk } from '@vth/testkit';
import { fakePool, pinnedSession, proberOf } from '../../test/fake-pool';
import { experimentSpecSchema } from '../experiment-config';
import { createFakePlugin } from '../testing';
import { ExperimentRunner } from './experiment-runner';

const spec = experimentSpecSchema.parse({
  name: 'x',
  variants: [
    { name: 'control', weight: 0, backends: [{ type: 'fake' }] },
    { name: 'treatment', weight: 1, backends: [{ type: 'fake' }] },
  ],
});

async function setup(fakes = createFakePlugin()) {
  const base = fakePool({ probe: { enabled: false } }, { fakes });
  const { pool, readiness, health, events } = base;
  await base.member('main');
  const prober = proberOf(base);
  const moved: string[] = [];
  const runner = new ExperimentRunner({
    readiness,
    plugins: base.factory,
    pool,
    prober,
    health,
    mover: { sessionLost: (s) => void moved.push(s.id) },
    events,
  });
  return { ...base, runner, moved };
}

describe('ExperimentRunner', () => {
  it("creates each variant's backends in a group of its own, and assigns users by a stable hash", async () => {
    const { runner, pool, seen } = await setup();
    expectOk(await runner.launch(spec));
    expect(pool.inOrder().map((m) => [m.id, m.group.id])).toEqual([
      ['main', 'main'],
      ['x.control.fake', 'x.control'],
      ['x.treatment.fake', 'x.treatment'],
    ]);
    expect(runner.assign('u1', undefined)?.variant.name).toBe('treatment');
    expect(runner.names()).toEqual(['x']);
    expect(runner.report('x')!.variants.map((v) => v.backends)).toEqual([
      ['x.control.fake'],
      ['x.treatment.fake'],
    ]);
    expect(seen).toContainEqual(['experiment-started', { name: 'x', variants: ['control', 'treatment'] }]);
    const again = await runner.launch(spec);
    expect(!again.ok && again.error.message).toBe('an experiment named "x" is already running');
  });

  it('starts nothing when a variant has no backend that comes up', async () => {
    const fakes = createFakePlugin();
    const { runner, pool } = await setup(fakes);
    let created = 0;
    const create = fakes.plugin.create;
    fakes.plugin.create = (config) => {
      if (++created === 2) throw new Error('no capacity');
      return create(config);
    };
    const r = await runner.launch(spec);
    expect(!r.ok && r.error.message).toMatch(/no backend of variant "treatment" came up/);
    expect(pool.all().map((m) => m.id)).toEqual(['main']);
    expect(pool.allGroups().map((g) => g.id)).toEqual(['main']);
    expect(fakes.instances.filter((b) => b.initialized)).toHaveLength(1);
  });

  it("stops: variants' backends take no new sessions, and retire once their last session leaves", async () => {
    const { runner, pool } = await setup();
    expectOk(await runner.launch(spec));
    const treatment = pool.get('x.treatment.fake')!;
    const s = pinnedSession(treatment, 's1', { key: 'u1', assignment: runner.assign('u1', undefined) });
    expect(expectOk(await runner.stop('x', {}))).toMatchObject({ name: 'x', running: false });
    expect(runner.assign('u1', undefined)).toBeUndefined();
    expect(pool.all().map((m) => m.id)).toEqual(['main', 'x.treatment.fake']);
    expect(treatment.drain).toMatchObject({ mode: 'finish', reason: 'experiment-stopped' });
    s.unpin();
    expect(pool.all().map((m) => m.id)).toEqual(['main']);
    expect(treatment.retired).toBe(true);
  });

  it('changes weights and traffic at once, refusing what cannot be', async () => {
    const { runner } = await setup();
    expectOk(await runner.launch(spec));
    expect(expectOk(runner.update('x', { weights: { control: 3 }, traffic: 0.5 }))).toMatchObject({
      traffic: 0.5,
    });
    const zero = runner.update('x', { weights: { control: 0, treatment: 0 } });
    expect(!zero.ok && zero.error.message).toMatch(/at least one variant needs a weight above 0/);
    const missing = runner.update('nope', {});
    expect(!missing.ok && missing.error.message).toBe('no running experiment "nope"');
  });
});
