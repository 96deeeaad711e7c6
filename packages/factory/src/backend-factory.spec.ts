import { BackendError, fail, type BackendResult } from '@vth/core';
import { BackendFactory } from './backend-factory';
import { MemoryBackend } from '@vth/backend-kit/testing';
import { memoryPlugin } from './test-support/memory-plugin.fixture';

function expectError<T>(result: BackendResult<T>): BackendError {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('expected a failure');
  expect(result.error.dispatched).toBe(false);
  return result.error;
}

function expectValue<T>(result: BackendResult<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

describe('BackendFactory registry', () => {
  it('registers, lists sorted by type, and unregisters', () => {
    const factory = new BackendFactory();
    expect(factory.register(memoryPlugin({ type: 'zeta', version: '2.0.0' }))).toEqual({
      ok: true,
      value: { type: 'zeta', warnings: [] },
    });
    expect(factory.register(memoryPlugin({ type: 'alpha' })).ok).toBe(true);
    expect(factory.list().map((p) => p.type)).toEqual(['alpha', 'zeta']);
    expect(factory.list()[1]).toEqual({
      type: 'zeta',
      version: '2.0.0',
      description: 'in-memory test backend',
      capabilities: memoryPlugin().capabilities,
    });
    expect(factory.has('alpha')).toBe(true);
    expect(factory.get('alpha')?.type).toBe('alpha');
    expect(factory.unregister('alpha')).toBe(true);
    expect(factory.unregister('alpha')).toBe(false);
    expect(factory.has('alpha')).toBe(false);
    expect(factory.get('alpha')).toBeUndefined();
  });

  it('hands out copies of capabilities, so a summary cannot change the plugin', () => {
    const factory = new BackendFactory({ plugins: [memoryPlugin()] });
    factory.list()[0]!.capabilities.resize = true;
    expect(factory.get('memory')?.capabilities.resize).toBe(false);
  });

  it('refuses a second plugin of the same type unless asked to replace', () => {
    const first = memoryPlugin({ version: '1.0.0' });
    const second = memoryPlugin({ version: '2.0.0' });
    const factory = new BackendFactory({ plugins: [first] });
    const error = expectError(factory.register(second));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toBe(
      'backend type "memory" is already registered (pass { replace: true } to replace it)',
    );
    expect(factory.get('memory')).toBe(first);
    expect(factory.register(second, { replace: true }).ok).toBe(true);
    expect(factory.get('memory')).toBe(second);
  });

  it('names each malformed field of a plugin and registers nothing', () => {
    const factory = new BackendFactory();
    const error = expectError(
      factory.register({ ...memoryPlugin(), type: 'Bad', checkPlatform: 'yes', configSchema: undefined }),
    );
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.details?.['issues']).toEqual([
      'plugin.type: must match /^[a-z0-9][a-z0-9._-]*$/ (lowercase letters, digits, ".", "_", "-")',
      'plugin.configSchema: must be a schema with a safeParse function',
      'plugin.checkPlatform: must be a function',
    ]);
    expect(factory.list()).toEqual([]);
  });

  it('throws from the constructor on wiring mistakes', () => {
    expect(() => new BackendFactory({ plugins: [memoryPlugin(), memoryPlugin()] })).toThrow(
      'backend type "memory" is already registered',
    );
    expect(() => new BackendFactory({ plugins: [{ type: 'x' } as never] })).toThrow(
      'plugin.version: must be a string',
    );
    expect(() => new BackendFactory({ platformCheckTimeoutMs: 0 })).toThrow(
      'options.platformCheckTimeoutMs: must be positive',
    );
  });
});

describe('BackendFactory.checkPlatform', () => {
  it('reports an unknown type as UNAVAILABLE', async () => {
    const error = expectError(await new BackendFactory().checkPlatform('tmux'));
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toBe('unknown backend type "tmux" (registered: none)');
  });

  it('turns a throwing, rejecting or hanging probe into a failed check', async () => {
    const factory = new BackendFactory({
      platformCheckTimeoutMs: 20,
      plugins: [
        memoryPlugin({
          type: 'throws',
          checkPlatform: () => {
            throw new Error('probe exploded');
          },
        }),
        memoryPlugin({ type: 'rejects', checkPlatform: () => Promise.reject(new Error('probe rejected')) }),
        memoryPlugin({ type: 'hangs', checkPlatform: () => new Promise(() => undefined) }),
        memoryPlugin({ type: 'fine', checkPlatform: async () => ({ ok: true, detail: 'all there' }) }),
      ],
    });
    expect(expectValue(await factory.checkPlatform('throws'))).toEqual({
      ok: false,
      reason: 'platform check failed: probe exploded',
    });
    expect(expectValue(await factory.checkPlatform('rejects'))).toEqual({
      ok: false,
      reason: 'platform check failed: probe rejected',
    });
    expect(expectValue(await factory.checkPlatform('hangs'))).toEqual({
      ok: false,
      reason: 'platform check timed out after 20 ms',
    });
    expect(expectValue(await factory.checkPlatform('fine'))).toEqual({ ok: true, detail: 'all there' });
  });

  it('calls the probe as a method, so a class-based plugin keeps its this', async () => {
    const plugin = {
      ...memoryPlugin(),
      binary: 'tmux',
      async checkPlatform(this: { binary: string }) {
        return { ok: false as const, reason: `${this.binary} missing` };
      },
    };
    const factory = new BackendFactory({ plugins: [plugin] });
    expect(expectValue(await factory.checkPlatform('memory'))).toEqual({ ok: false, reason: 'tmux missing' });
  });
});

describe('BackendFactory.create', () => {
  it('creates and initializes with the parsed config, schema defaults and the id', async () => {
    const plugin = memoryPlugin();
    const factory = new BackendFactory({ plugins: [plugin] });
    const backend = expectValue(
      await factory.create('memory', { limits: { greeting: 'hi' }, unknownKey: 1 }, { id: 'mem-1' }),
    );
    expect(backend).toBeInstanceOf(MemoryBackend);
    const memory = plugin.created[0]!;
    expect(backend).toBe(memory);
    expect(memory.createdWith).toEqual({ shell: 'sh', limits: { maxSessions: 4, greeting: 'hi' } });
    expect(memory.initializedWith).toEqual({
      shell: 'sh',
      limits: { maxSessions: 4, greeting: 'hi' },
      id: 'mem-1',
    });
    expect(backend.id).toBe('mem-1');
    expect(memory.shutdownCalls).toBe(0);
  });

  it('validates an absent config as {} and passes no id unless given', async () => {
    const plugin = memoryPlugin();
    const factory = new BackendFactory({ plugins: [plugin] });
    expectValue(await factory.create('memory'));
    expect(plugin.created[0]!.initializedWith).toEqual({ shell: 'sh', limits: { maxSessions: 4 } });
    expect(plugin.created[0]!.initializedWith).not.toHaveProperty('id');
  });

  it('lists the registered types for an unknown one', async () => {
    const factory = new BackendFactory({
      plugins: [memoryPlugin({ type: 'tmux' }), memoryPlugin({ type: 'docker' })],
    });
    const error = expectError(await factory.create('podman'));
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toBe('unknown backend type "podman" (registered: docker, tmux)');
    expect(error.details).toEqual({ type: 'podman', registered: ['docker', 'tmux'] });
  });

  it('names each bad path of a nested config and creates nothing', async () => {
    const plugin = memoryPlugin();
    const factory = new BackendFactory({ plugins: [plugin] });
    const error = expectError(
      await factory.create('memory', { shell: 7, limits: { maxSessions: -1, greeting: 3 } }),
    );
    expect(error.code).toBe('INVALID_CONFIG');
    const issues = error.details?.['issues'] as string[];
    expect(issues).toHaveLength(3);
    expect(issues).toEqual([
      expect.stringMatching(/^config\.shell: /),
      expect.stringMatching(/^config\.limits\.maxSessions: /),
      expect.stringMatching(/^config\.limits\.greeting: /),
    ]);
    expect(error.message).toBe(`invalid config for backend "memory": ${issues.join('; ')}`);
    expect(issues[0]).toContain('expected string');
    expect(plugin.created).toHaveLength(0);
  });

  it('formats issues from a hand-written schema too, array indexes included', async () => {
    const schema = {
      safeParse: () => ({
        success: false,
        error: { issues: [{ path: ['hosts', 1, 'port'], message: 'too big' }] },
      }),
    };
    const factory = new BackendFactory({ plugins: [memoryPlugin({ configSchema: schema as never })] });
    const error = expectError(await factory.create('memory', {}));
    expect(error.message).toBe('invalid config for backend "memory": config.hosts[1].port: too big');
  });

  it('refuses missing capabilities before running the platform probe', async () => {
    const checkPlatform = jest.fn(async () => ({ ok: true as const }));
    const factory = new BackendFactory({ plugins: [memoryPlugin({ checkPlatform })] });
    const error = expectError(
      await factory.create('memory', {}, { requiredCapabilities: ['interrupt', 'resize', 'multiplePanes'] }),
    );
    expect(error.code).toBe('UNSUPPORTED');
    expect(error.message).toBe('backend "memory" lacks required capabilities: resize, multiplePanes');
    expect(error.details).toEqual({ type: 'memory', missing: ['resize', 'multiplePanes'] });
    expect(checkPlatform).not.toHaveBeenCalled();
    expectValue(await factory.create('memory', {}, { requiredCapabilities: ['interrupt', 'exitCodes'] }));
    expect(checkPlatform).toHaveBeenCalledTimes(1);
  });

  it('rejects malformed options as INVALID_INPUT', async () => {
    const factory = new BackendFactory({ plugins: [memoryPlugin()] });
    const error = expectError(
      await factory.create('memory', {}, { requiredCapabilities: ['teleport' as never], id: '' }),
    );
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/options\.requiredCapabilities\[0\]: .*; options\.id: must not be empty$/);
  });

  it('reports a failed platform probe as UNAVAILABLE with reason and hint', async () => {
    const plugin = memoryPlugin({
      checkPlatform: async () => ({
        ok: false,
        reason: 'tmux is not installed',
        hint: 'apt-get install tmux',
      }),
    });
    const factory = new BackendFactory({ plugins: [plugin] });
    const error = expectError(await factory.create('memory'));
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toBe(
      'backend "memory" is unavailable: tmux is not installed (hint: apt-get install tmux)',
    );
    expect(error.details).toEqual({
      type: 'memory',
      reason: 'tmux is not installed',
      hint: 'apt-get install tmux',
    });
    expect(plugin.created).toHaveLength(0);
  });

  it.each([
    [
      'throws',
      () => {
        throw new Error('probe exploded');
      },
      'platform check failed: probe exploded',
    ],
    ['rejects', () => Promise.reject(new Error('probe rejected')), 'platform check failed: probe rejected'],
    ['hangs', () => new Promise<never>(() => undefined), 'platform check timed out after 20 ms'],
  ])('reports a probe that %s as UNAVAILABLE without creating', async (_, checkPlatform, reason) => {
    const plugin = memoryPlugin({ checkPlatform });
    const factory = new BackendFactory({ plugins: [plugin], platformCheckTimeoutMs: 20 });
    const error = expectError(await factory.create('memory'));
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.details).toEqual({ type: 'memory', reason });
    expect(plugin.created).toHaveLength(0);
  });

  it('turns a throwing create() into INTERNAL with the cause kept', async () => {
    const boom = new TypeError('native module missing');
    const factory = new BackendFactory({
      plugins: [
        memoryPlugin({
          create: () => {
            throw boom;
          },
        }),
      ],
    });
    const error = expectError(await factory.create('memory'));
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toBe('backend "memory": create() threw: native module missing');
    expect(error.cause).toBe(boom);
  });

  it('keeps the code of a BackendError thrown by create(), marked not dispatched', async () => {
    const factory = new BackendFactory({
      plugins: [
        memoryPlugin({
          create: () => {
            throw new BackendError('TIMEOUT', 'docker did not answer');
          },
        }),
      ],
    });
    const error = expectError(await factory.create('memory'));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toBe('docker did not answer');
  });

  it('refuses a create() that returns something other than a backend', async () => {
    const factory = new BackendFactory({ plugins: [memoryPlugin({ create: () => ({}) as never })] });
    const error = expectError(await factory.create('memory'));
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toContain('create() did not return a backend');
  });

  it('shuts down a backend whose initialize fails and returns its error', async () => {
    const plugin = memoryPlugin({
      hooks: { initialize: async () => fail('UNAVAILABLE', 'tmux server refused the socket') },
    });
    const factory = new BackendFactory({ plugins: [plugin] });
    const error = expectError(await factory.create('memory'));
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toBe('tmux server refused the socket');
    expect(plugin.created[0]!.shutdownCalls).toBe(1);
  });

  it('marks an initialize error as not dispatched even when its code defaults otherwise', async () => {
    const plugin = memoryPlugin({
      hooks: { initialize: async () => fail('BACKEND_CRASHED', 'shell died at start') },
    });
    const error = expectError(await new BackendFactory({ plugins: [plugin] }).create('memory'));
    expect(error.code).toBe('BACKEND_CRASHED');
    expect(error.message).toBe('shell died at start');
  });

  it('shuts down after an initialize that throws, and survives a shutdown that throws too', async () => {
    const plugin = memoryPlugin({
      hooks: {
        initialize: async () => {
          throw new Error('init exploded');
        },
      },
    });
    const factory = new BackendFactory({ plugins: [plugin] });
    const original = MemoryBackend.prototype.shutdown;
    const shutdown = jest.spyOn(MemoryBackend.prototype, 'shutdown').mockImplementation(async function (
      this: MemoryBackend,
    ) {
      await original.call(this);
      throw new Error('shutdown exploded too');
    });
    try {
      const error = expectError(await factory.create('memory'));
      expect(error.code).toBe('INTERNAL');
      expect(error.message).toBe('backend "memory": initialize() threw: init exploded');
      expect(plugin.created[0]!.shutdownCalls).toBe(1);
    } finally {
      shutdown.mockRestore();
    }
  });

  it('treats a malformed initialize result as a failure', async () => {
    const plugin = memoryPlugin({ hooks: { initialize: async () => 'done' as never } });
    const error = expectError(await new BackendFactory({ plugins: [plugin] }).create('memory'));
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toBe('backend "memory": initialize() returned a malformed result');
    expect(plugin.created[0]!.shutdownCalls).toBe(1);
  });

  it('reports a config schema that throws', async () => {
    const schema = {
      safeParse: () => {
        throw new Error('schema bug');
      },
    };
    const error = expectError(
      await new BackendFactory({ plugins: [memoryPlugin({ configSchema: schema as never })] }).create(
        'memory',
      ),
    );
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toBe('backend "memory": configSchema.safeParse() threw: schema bug');
  });
});

describe('BackendFactory.createWithFallback', () => {
  const unavailable = (type: string, reason: string, hint?: string) =>
    memoryPlugin({
      type,
      checkPlatform: async () => (hint === undefined ? { ok: false, reason } : { ok: false, reason, hint }),
    });

  it('returns the first type that works, with the failures before it, and tries no further', async () => {
    const nodePty = memoryPlugin({ type: 'node-pty' });
    const later = memoryPlugin({ type: 'later' });
    const factory = new BackendFactory({
      plugins: [unavailable('tmux', 'tmux is not installed', 'apt-get install tmux'), nodePty, later],
    });
    const result = expectValue(
      await factory.createWithFallback(
        ['tmux', 'node-pty', 'later'],
        { tmux: { shell: 'zsh' }, 'node-pty': { shell: 'bash' } },
        { id: 'b1' },
      ),
    );
    expect(result.type).toBe('node-pty');
    expect(result.backend).toBe(nodePty.created[0]);
    expect(nodePty.created[0]!.initializedWith).toEqual({
      shell: 'bash',
      limits: { maxSessions: 4 },
      id: 'b1',
    });
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]!.type).toBe('tmux');
    expect(result.failures[0]!.error.code).toBe('UNAVAILABLE');
    expect(later.created).toHaveLength(0);
  });

  it('aggregates every reason into one UNAVAILABLE error when all fail', async () => {
    const factory = new BackendFactory({
      plugins: [
        unavailable('tmux', 'tmux is not installed', 'apt-get install tmux'),
        memoryPlugin({ type: 'node-pty' }),
        memoryPlugin({
          type: 'docker',
          hooks: { initialize: async () => fail('UNAVAILABLE', 'no docker socket') },
        }),
      ],
    });
    const result = await factory.createWithFallback(['tmux', 'node-pty', 'docker', 'ssh'], {
      'node-pty': { shell: 1 },
    });
    const error = expectError(result);
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toBe(
      'no backend could be created: tmux: tmux is not installed (hint: apt-get install tmux); ' +
        'node-pty: invalid config: config.shell: Invalid input: expected string, received number; ' +
        'docker: initialize failed: no docker socket; ' +
        'ssh: not registered (registered: docker, node-pty, tmux)',
    );
    const attempts = error.details?.['attempts'] as Array<{ type: string; error: BackendError }>;
    expect(attempts.map((a) => [a.type, a.error.code])).toEqual([
      ['tmux', 'UNAVAILABLE'],
      ['node-pty', 'INVALID_CONFIG'],
      ['docker', 'UNAVAILABLE'],
      ['ssh', 'UNAVAILABLE'],
    ]);
  });

  it('applies required capabilities to every candidate', async () => {
    const factory = new BackendFactory({
      plugins: [memoryPlugin({ type: 'a' }), memoryPlugin({ type: 'b' })],
    });
    const error = expectError(
      await factory.createWithFallback(['a', 'b'], {}, { requiredCapabilities: ['remote'] }),
    );
    expect(error.message).toBe(
      'no backend could be created: a: lacks required capabilities: remote; b: lacks required capabilities: remote',
    );
  });

  it('takes configs from own keys only', async () => {
    const plugin = memoryPlugin({ type: 'constructor' });
    const factory = new BackendFactory({ plugins: [plugin] });
    expectValue(await factory.createWithFallback(['constructor'], {}));
    expect(plugin.created[0]!.createdWith).toEqual({ shell: 'sh', limits: { maxSessions: 4 } });
  });

  it('rejects an empty or malformed list of types as INVALID_INPUT', async () => {
    const factory = new BackendFactory({ plugins: [memoryPlugin()] });
    expect(expectError(await factory.createWithFallback([])).message).toBe(
      'invalid types: types: must name at least one backend type',
    );
    expect(expectError(await factory.createWithFallback(['memory', 3 as never])).code).toBe('INVALID_INPUT');
    expect(expectError(await factory.createWithFallback(['memory'], 'x' as never)).code).toBe(
      'INVALID_INPUT',
    );
  });
});

describe('plugin code that hands back hostile objects', () => {
  const hostile = () =>
    new Proxy(
      {},
      {
        get() {
          throw new Error('hostile read');
        },
      },
    );

  it('answers create() with an error when configSchema.safeParse returns an object whose reads throw', async () => {
    const factory = new BackendFactory({
      plugins: [memoryPlugin({ configSchema: { safeParse: () => hostile() } as never })],
    });
    const error = expectError(await factory.create('memory'));
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toBe('backend "memory": configSchema.safeParse() threw: hostile read');
  });

  it('answers create() with an error when the parsed config has a getter that throws', async () => {
    const data = Object.defineProperty({}, 'shell', {
      enumerable: true,
      get() {
        throw new Error('hostile read');
      },
    });
    const plugin = memoryPlugin({ configSchema: { safeParse: () => ({ success: true, data }) } as never });
    const error = expectError(await new BackendFactory({ plugins: [plugin] }).create('memory'));
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toBe('backend "memory": configSchema.safeParse() threw: hostile read');
    expect(plugin.created).toHaveLength(0);
  });

  it('answers create() with an error when create() returns an object whose reads throw', async () => {
    const factory = new BackendFactory({ plugins: [memoryPlugin({ create: () => hostile() as never })] });
    const error = expectError(await factory.create('memory'));
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toBe('backend "memory": create() threw: hostile read');
  });

  it('answers a platform probe that resolves an object whose reads throw as a failed check', async () => {
    const factory = new BackendFactory({
      // Not a Proxy: resolving a promise with one reads its `then`, which would reject the promise instead.
      plugins: [
        memoryPlugin({
          checkPlatform: async () =>
            ({
              get ok(): boolean {
                throw new Error('hostile read');
              },
            }) as never,
        }),
      ],
    });
    expect(expectValue(await factory.checkPlatform('memory'))).toEqual({
      ok: false,
      reason: 'platform check returned a malformed result (hostile read)',
    });
    const error = expectError(await factory.create('memory'));
    expect(error.code).toBe('UNAVAILABLE');
  });

  it('cuts a probe reason of 50 MB short', async () => {
    const reason = 'r'.repeat(50 * 1024 * 1024);
    const factory = new BackendFactory({
      plugins: [memoryPlugin({ checkPlatform: async () => ({ ok: false, reason, hint: reason }) })],
    });
    const check = expectValue(await factory.checkPlatform('memory'));
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.reason).toBe(`${'r'.repeat(1000)}… (${reason.length} characters)`);
      expect(check.hint).toBe(`${'r'.repeat(1000)}… (${reason.length} characters)`);
    }
  });
});
