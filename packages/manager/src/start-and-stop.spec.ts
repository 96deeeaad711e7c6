import { BackendFactory } from '@vth/factory';
import { expectOk } from '@vth/testkit';
import { BackendManager } from './backend-manager';
import { createFakePlugin } from './testing/fake-plugin';

const CONFIG = { backends: [{ type: 'fake', id: 'main' }], probe: { enabled: false } };

function manager() {
  const fakes = createFakePlugin();
  return { manager: new BackendManager({ factory: new BackendFactory({ plugins: [fakes.plugin] }) }), fakes };
}

// Starts and stops that overlap: each call answers, and nothing the manager created outlives it.
describe('a manager started and stopped at once', () => {
  it('starts once when initialize is called twice at the same time', async () => {
    const { manager: m, fakes } = manager();
    try {
      const [a, b] = await Promise.all([m.initialize(CONFIG), m.initialize(CONFIG)]);
      expect([a.ok, b.ok]).toEqual([true, true]);
      expect(fakes.instances).toHaveLength(1);
    } finally {
      await m.shutdown();
    }
  });

  it('lets a start finish before it shuts down, and shuts down what it started', async () => {
    const { manager: m, fakes } = manager();
    const started = m.initialize(CONFIG);
    const stopped = m.shutdown();
    expectOk(await started);
    await stopped;
    expect(fakes.instances.map((b) => b.shutdownCalls)).toEqual([1]);
    expect(await m.getHealth()).toMatchObject({ message: 'shut down' });
  });

  it('refuses pool changes before it starts, and adds none while it shuts down', async () => {
    const { manager: m, fakes } = manager();
    expect(await m.addBackend({ type: 'fake' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_INITIALIZED', dispatched: false },
    });
    expect(await m.removeBackend('main')).toMatchObject({ ok: false, error: { code: 'NOT_INITIALIZED' } });
    expectOk(await m.initialize(CONFIG));
    expect(m.undrain(7 as never)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    // The new backend starts while the manager shuts down: it is shut down, not added.
    const adding = m.addBackend({ type: 'fake', id: 'spare' });
    const stopping = m.shutdown();
    expect(await adding).toMatchObject({
      ok: false,
      error: {
        code: 'UNAVAILABLE',
        dispatched: false,
        message: 'backend spare was removed while it started',
      },
    });
    await stopping;
    expect(fakes.instances.map((b) => [b.id.split('-')[0], b.shutdownCalls])).toEqual([
      ['main', 1],
      ['spare', 1],
    ]);
  });
});
