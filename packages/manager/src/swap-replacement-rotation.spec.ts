import { BackendFactory } from '@vth/factory';
import { expectOk, pollUntil } from '@vth/testkit';
import { BackendManager } from './backend-manager';
import { createFakePlugin, type FakeBackend } from './testing';

/*
 * A hot swap's replacement takes no session before it has passed its probes. `undrain` is for a backend
 * that was drained; it must not put a replacement still being verified into rotation.
 */
it('keeps a replacement being verified out of rotation, even when undrained', async () => {
  const fakes = createFakePlugin();
  const manager = new BackendManager({ factory: new BackendFactory({ plugins: [fakes.plugin] }) });
  try {
    expectOk(manager.strategies.register('last', () => ({ name: 'last', select: (c) => c[c.length - 1] })));
    expectOk(
      await manager.initialize({
        backends: [{ type: 'fake', id: 'a' }],
        strategy: 'last',
        probe: { enabled: false },
      }),
    );
    const create = fakes.plugin.create;
    let replacement: FakeBackend | undefined;
    fakes.plugin.create = (config) => {
      const backend = create(config);
      replacement = fakes.instances[fakes.instances.length - 1]!;
      // Its verification probe starts and does not finish until released.
      replacement.hold();
      return backend;
    };
    const swapping = manager.hotSwap('a', { type: 'fake' });
    await pollUntil(
      () => replacement?.inFlight ?? 0,
      (n) => n > 0,
      { timeoutMs: 5000, intervalMs: 5 },
    );
    expectOk(manager.undrain('a~next'));
    const s = expectOk(await manager.createSession());
    expect(manager.backendOf(s.id)).toBe('a');
    replacement!.release();
    expectOk(await swapping);
    expect(manager.backendOf(s.id)).toBe('a');
    expect(manager.instanceOf('a')).toBe(replacement);
  } finally {
    await manager.shutdown();
  }
});
