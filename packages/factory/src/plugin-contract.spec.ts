import { PLUGIN_CONTRACT_VERSION, type BackendResult } from '@vth/core';
import { CAPABILITY_FLAGS } from '@vth/core/kit';
import { BackendFactory, type PluginRegistration } from './backend-factory';
import { checkPluginShape } from './plugin-shape';
import { memoryCapabilities, memoryPlugin } from './test-support/memory-plugin.fixture';

const MB = 1024 * 1024;

function registered(result: BackendResult<PluginRegistration>): PluginRegistration {
  if (!result.ok) throw new Error(`expected the plugin registered, got ${result.error.message}`);
  return result.value;
}

function refused(result: BackendResult<unknown>): string {
  if (result.ok) throw new Error('expected the plugin refused');
  expect(result.error.code).toBe('INVALID_CONFIG');
  expect(result.error.dispatched).toBe(false);
  return result.error.message;
}

describe('plugin shape bounds', () => {
  it('refuses a 50 MB type without echoing it', () => {
    const message = refused(new BackendFactory().register(memoryPlugin({ type: 'a'.repeat(50 * MB) })));
    expect(message).toBe(`invalid plugin: plugin.type: must be at most 64 characters (it has ${50 * MB})`);
  });

  it('refuses a 50 MB version and a 50 MB description the same way', () => {
    const huge = 'x'.repeat(50 * MB);
    expect(refused(new BackendFactory().register(memoryPlugin({ version: huge })))).toBe(
      `invalid plugin: plugin.version: must be at most 64 characters (it has ${50 * MB})`,
    );
    expect(refused(new BackendFactory().register(memoryPlugin({ description: huge })))).toBe(
      `invalid plugin: plugin.description: must be at most 1024 characters (it has ${50 * MB})`,
    );
  });

  it.each(['1.0.0', '0.0.0', '12.3.4-beta.1', '1.2.3+build.5', '1.2.3-rc.1+sha.abc'])(
    'accepts version %j',
    (version) => {
      expect(new BackendFactory().register(memoryPlugin({ version })).ok).toBe(true);
    },
  );

  it.each(['latest', '1.0', 'v1.0.0', '1.0.0 ', '1.0.0;rm -rf /'])('refuses version %j', (version) => {
    expect(refused(new BackendFactory().register(memoryPlugin({ version })))).toBe(
      'invalid plugin: plugin.version: must be a semantic version like "1.2.3"',
    );
  });

  it('reads only the known capability keys of a hundred thousand, ignores the rest and says so', () => {
    const capabilities: Record<string, unknown> = { ...memoryCapabilities };
    for (let i = 0; i < 100_000; i++) capabilities[`k${i}`] = true;
    const factory = new BackendFactory();
    const registration = registered(factory.register(memoryPlugin({ capabilities: capabilities as never })));
    expect(registration.warnings).toEqual([
      'plugin.capabilities: 100012 keys; only the 13 known ones were read, the rest ignored',
    ]);
    const [summary] = factory.list();
    // The memory backend's own optional flag (longCommands) is read too; the 100 000 others are not.
    expect(Object.keys(summary!.capabilities).sort()).toEqual(
      [...CAPABILITY_FLAGS, 'isolation', 'longCommands'].sort(),
    );
  });

  it('reads an optional capability (flowControl) without a warning, and refuses one that is not a boolean', () => {
    const factory = new BackendFactory();
    const registration = registered(
      factory.register(memoryPlugin({ capabilities: { ...memoryCapabilities, flowControl: true } })),
    );
    expect(registration.warnings).toEqual([]);
    expect(factory.list()[0]!.capabilities.flowControl).toBe(true);
    expect(
      refused(
        new BackendFactory().register(
          memoryPlugin({ capabilities: { ...memoryCapabilities, flowControl: 'yes' } as never }),
        ),
      ),
    ).toBe('invalid plugin: plugin.capabilities.flowControl: must be a boolean');
  });

  it('names a few unknown capability keys, each cut short', () => {
    const long = 'z'.repeat(10_000);
    const registration = registered(
      new BackendFactory().register(
        memoryPlugin({ capabilities: { ...memoryCapabilities, gpu: true, [long]: true } as never }),
      ),
    );
    expect(registration.warnings).toEqual([
      `plugin.capabilities: unknown keys ignored: "gpu", "${'z'.repeat(40)}…"`,
    ]);
  });

  it('refuses a configSchema without a safeParse function, and methods that are not functions', () => {
    const message = refused(
      new BackendFactory().register(
        memoryPlugin({ configSchema: { safeParse: 'yes' } as never, create: {} as never }),
      ),
    );
    expect(message).toBe(
      'invalid plugin: plugin.configSchema: must be a schema with a safeParse function; ' +
        'plugin.create: must be a function',
    );
  });

  it('reads each field of the plugin once, so a getter cannot change its answer after the check', () => {
    let reads = 0;
    const plugin = Object.defineProperty(memoryPlugin(), 'type', {
      get: () => (++reads === 1 ? 'memory' : 'Changed Type'),
    });
    const factory = new BackendFactory();
    expect(registered(factory.register(plugin)).type).toBe('memory');
    expect(reads).toBe(1);
    expect(factory.list().map((p) => p.type)).toEqual(['memory']);
  });
});

describe('plugin contract versions', () => {
  it(`exports the current contract version (${PLUGIN_CONTRACT_VERSION})`, () => {
    expect(PLUGIN_CONTRACT_VERSION).toBe(1);
  });

  it('registers a plugin that declares the current version without warnings', () => {
    expect(new BackendFactory().register(memoryPlugin({ contractVersion: PLUGIN_CONTRACT_VERSION }))).toEqual(
      { ok: true, value: { type: 'memory', warnings: [] } },
    );
  });

  it('registers a plugin that declares none, with a warning', () => {
    const { contractVersion: _, ...undeclared } = memoryPlugin();
    expect(registered(new BackendFactory().register(undeclared)).warnings).toEqual([
      'plugin.contractVersion: not declared; assumed 1 (declare contractVersion: 1)',
    ]);
  });

  it('refuses a plugin newer than the factory supports, saying what to upgrade', () => {
    expect(refused(new BackendFactory().register(memoryPlugin({ contractVersion: 2 })))).toBe(
      'invalid plugin: plugin.contractVersion: 2 is newer than this @vth/factory supports (at most 1); ' +
        'upgrade @vth/factory and @vth/core',
    );
  });

  it('refuses a plugin older than the factory can adapt, saying what to upgrade', () => {
    expect(refused(new BackendFactory().register(memoryPlugin({ contractVersion: 0 })))).toBe(
      'invalid plugin: plugin.contractVersion: 0 is older than this @vth/factory can adapt (at least 1); ' +
        'upgrade the plugin',
    );
  });

  it.each([1.5, '1', Number.NaN])('refuses contractVersion %j', (contractVersion) => {
    expect(
      refused(new BackendFactory().register(memoryPlugin({ contractVersion: contractVersion as never }))),
    ).toBe('invalid plugin: plugin.contractVersion: must be an integer');
  });
});

describe('capabilities a plugin predates', () => {
  it('reads a missing flag as false and warns, instead of refusing the plugin', async () => {
    const { remote: _remote, cwdTracking: _cwd, ...older } = memoryCapabilities;
    const factory = new BackendFactory();
    const registration = registered(factory.register(memoryPlugin({ capabilities: older as never })));
    expect(registration.warnings).toEqual([
      'plugin.capabilities: no cwdTracking, remote (the plugin predates them); read as false',
    ]);
    expect(factory.list()[0]!.capabilities).toEqual({
      ...memoryCapabilities,
      cwdTracking: false,
      remote: false,
    });
    const refusedCreate = await factory.create('memory', {}, { requiredCapabilities: ['remote'] });
    expect(!refusedCreate.ok && refusedCreate.error.code).toBe('UNSUPPORTED');
    expect((await factory.create('memory')).ok).toBe(true);
  });

  it('reads a missing isolation as "none" and warns', () => {
    const { isolation: _, ...older } = memoryCapabilities;
    const factory = new BackendFactory();
    expect(registered(factory.register(memoryPlugin({ capabilities: older as never }))).warnings).toEqual([
      'plugin.capabilities: no isolation (the plugin predates it); read as "none"',
    ]);
    expect(factory.list()[0]!.capabilities.isolation).toBe('none');
  });

  it('still refuses a flag of the wrong type', () => {
    expect(
      refused(
        new BackendFactory().register(
          memoryPlugin({ capabilities: { ...memoryCapabilities, resize: 'yes' } as never }),
        ),
      ),
    ).toBe('invalid plugin: plugin.capabilities.resize: must be a boolean');
  });

  it('checkPluginShape still returns the plugin itself', () => {
    const plugin = memoryPlugin();
    expect(checkPluginShape(plugin)).toEqual({ ok: true, value: plugin });
  });
});
