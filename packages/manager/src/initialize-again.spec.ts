import { BackendFactory } from '@vth/factory';
import { expectOk } from '@vth/testkit';
import { BackendManager } from './backend-manager';
import { createFakePlugin } from './testing';

/*
 * A start that fails leaves nothing behind: `initialize` may be called again once the cause is gone. Here a
 * configured experiment cannot start (its variant's platform is down): the first experiment, which did
 * start, must not stay registered and refuse the next start as "already running".
 */
it('starts afresh after a start that failed on a configured experiment', async () => {
  let engineUp = false;
  const fakes = createFakePlugin();
  const flaky = { ...createFakePlugin('flaky').plugin };
  flaky.checkPlatform = async () => (engineUp ? { ok: true } : { ok: false, reason: 'engine down' });
  const manager = new BackendManager({ factory: new BackendFactory({ plugins: [fakes.plugin, flaky] }) });
  const variants = (type: string) => [
    { name: 'a', backends: [{ type: 'fake' }] },
    { name: 'b', backends: [{ type }] },
  ];
  const config = {
    backends: [{ type: 'fake', id: 'main' }],
    probe: { enabled: false },
    experiments: [
      { name: 'first', variants: variants('fake') },
      { name: 'second', variants: variants('flaky') },
    ],
  };
  try {
    const failed = await manager.initialize(config);
    expect(!failed.ok && failed.error.message).toMatch(/experiment "second" could not start/);
    expect(manager.backends()).toEqual([]);
    engineUp = true;
    expectOk(await manager.initialize(config));
    expect(manager.runningExperiments()).toEqual(['first', 'second']);
    expect(manager.backends().map((b) => b.id)).toEqual([
      'main',
      'first.a.fake',
      'first.b.fake',
      'second.a.fake',
      'second.b.flaky',
    ]);
  } finally {
    await manager.shutdown();
  }
});
