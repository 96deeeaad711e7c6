import { BackendFactory } from '@vth/factory';
import { expectOk } from '@vth/testkit';
import { BackendManager } from './backend-manager';
import { createFakePlugin } from './testing';

const managers: BackendManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.shutdown()));
});

function manager(): BackendManager {
  const m = new BackendManager({ factory: new BackendFactory({ plugins: [createFakePlugin().plugin] }) });
  managers.push(m);
  return m;
}

// Every public method of a manager that has not started (or has shut down) answers, never throws: the
// operations NOT_INITIALIZED, the queries an empty answer, a bad argument INVALID_INPUT first.
describe('a manager before initialize and after shutdown', () => {
  it('answers the operations NOT_INITIALIZED, undispatched, and the queries with nothing', async () => {
    const m = manager();
    const refused = { ok: false, error: { code: 'NOT_INITIALIZED', dispatched: false } };
    expect(m.updateExperiment('ab', { traffic: 50 })).toMatchObject(refused);
    expect(await m.hotSwap('main', { type: 'fake' })).toMatchObject(refused);
    expect(m.undrain('main')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(m.experimentReport('ab')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'no experiment "ab"' },
    });
    expect(m.runningExperiments()).toEqual([]);
    expect(m.backends()).toEqual([]);
    expect(await m.getHealth()).toMatchObject({ status: 'unhealthy', message: 'not initialized' });
    // No pool, no sessions; the failed calls counted as such (a report is a query, not counted).
    expect(m.getMetrics()).toMatchObject({
      sessions: { active: 0 },
      backends: {},
      errors: { byCode: { NOT_INITIALIZED: 2, INVALID_INPUT: 1 }, total: 3 },
    });
  });

  it('names a bad replacement spec before saying it has not started, as it would once started', async () => {
    const r = await manager().hotSwap('main', { type: 'nope' });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', dispatched: false } });
    expect(!r.ok && r.error.message).toMatch(/nope/);
  });

  it('answers an experiment report by name only', async () => {
    const m = manager();
    expectOk(await m.initialize({ backends: [{ type: 'fake', id: 'main' }], probe: { enabled: false } }));
    expect(m.experimentReport(42 as never)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'no experiment "42"' },
    });
  });

  it('says it was shut down, in its health and its refusals', async () => {
    const m = manager();
    expectOk(await m.initialize({ backends: [{ type: 'fake', id: 'main' }], probe: { enabled: false } }));
    await m.shutdown();
    expect(await m.getHealth()).toMatchObject({ status: 'unhealthy', message: 'shut down' });
    expect(m.updateExperiment('ab', {})).toMatchObject({
      ok: false,
      error: { code: 'NOT_INITIALIZED', message: 'the manager has been shut down' },
    });
    expect(await m.initialize({ backends: [{ type: 'fake' }] })).toMatchObject({
      ok: false,
      error: { code: 'NOT_INITIALIZED' },
    });
  });

  it('lists the events something listens to, its own included', () => {
    const m = manager();
    const listener = () => undefined;
    m.on('session-created', listener);
    m.on('failover', listener);
    expect(m.eventNames()).toEqual(['session-created', 'failover']);
  });
});

const arms = (name: string, type = 'fake') => ({
  name,
  variants: [
    { name: 'control', backends: [{ type: 'fake' }] },
    { name: 'treatment', backends: [{ type }] },
  ],
});

// What an experiment call answers when it cannot do what it is asked: nothing started, nothing changed.
describe('experiment calls that are refused', () => {
  it('refuses to start or stop one before the manager started', async () => {
    const m = manager();
    expect(await m.startExperiment(arms('ab'))).toMatchObject({
      ok: false,
      error: { code: 'NOT_INITIALIZED', dispatched: false },
    });
    expect(await m.stopExperiment('ab')).toMatchObject({ ok: false, error: { code: 'NOT_INITIALIZED' } });
  });

  it('refuses a variant of a backend type no plugin provides, naming it, and starts nothing', async () => {
    const m = manager();
    expectOk(await m.initialize({ backends: [{ type: 'fake', id: 'main' }], probe: { enabled: false } }));
    const r = await m.startExperiment(arms('ab', 'warp-drive'));
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        dispatched: false,
        message: 'experiment "ab": unknown backend type "warp-drive"',
      },
    });
    expect(m.runningExperiments()).toEqual([]);
    expect(m.backends().map((b) => b.id)).toEqual(['main']);
  });

  it('answers INVALID_INPUT for an experiment that is not running', async () => {
    const m = manager();
    expectOk(await m.initialize({ backends: [{ type: 'fake', id: 'main' }], probe: { enabled: false } }));
    const none = { ok: false, error: { code: 'INVALID_INPUT', message: 'no running experiment "ab"' } };
    expect(m.updateExperiment('ab', { weights: { control: 1 } })).toMatchObject(none);
    expect(m.updateExperiment('ab', { traffic: 0.5 })).toMatchObject(none);
    // A bad change is named before the name is looked up.
    expect(m.updateExperiment('ab', { traffic: 10 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(await m.stopExperiment('ab')).toMatchObject(none);
    expect(m.experimentReport('ab')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});
