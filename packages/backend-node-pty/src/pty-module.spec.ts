import { type BackendPlugin, type PlatformCheck } from '@vth/core';
import { expectOk } from '@vth/testkit';
import * as realNodePty from 'node-pty';
import { NodePtyBackend } from './node-pty-backend';
import { createNodePtyPlugin } from './plugin';
import { type PtyModule } from './pty-module';

// node-pty's own typings must satisfy the injection type, or a user's `ptyModule: pty` would not compile.
const nodePtyFits: PtyModule = realNodePty;

/** node-pty behind a wrapper that counts the shells spawned through it. */
function countingPty(): PtyModule & { spawned: string[] } {
  const spawned: string[] = [];
  return {
    spawned,
    spawn(file, args, options) {
      spawned.push(file);
      return nodePtyFits.spawn(file, args, options);
    },
  };
}

describe('ptyModule injection', () => {
  it('spawns every shell through the injected module', async () => {
    const pty = countingPty();
    const backend = new NodePtyBackend({ ptyModule: pty });
    try {
      expectOk(await backend.initialize({}));
      const s = expectOk(await backend.createSession());
      const run = expectOk(await backend.executeCommand(s.id, 'echo injected-ok'));
      expect(run.output).toBe('injected-ok\n');
      expect(pty.spawned).toHaveLength(1);
    } finally {
      await backend.shutdown();
    }
  });

  it('is used by a plugin from createNodePtyPlugin, platform check included', async () => {
    const pty = countingPty();
    const plugin = createNodePtyPlugin({ ptyModule: pty });
    expect(await plugin.checkPlatform()).toMatchObject({ ok: true });
    const backend = plugin.create(plugin.configSchema.parse({}));
    try {
      expectOk(await backend.initialize({}));
      expectOk(await backend.createSession());
      expect(pty.spawned).toHaveLength(2);
    } finally {
      await backend.shutdown();
    }
  });

  it.each([
    ['a module without spawn', {}],
    ['a spawn that is not a function', { spawn: 'bash' }],
    ['a string', 'node-pty'],
    ['null', null],
  ])('refuses %s with INVALID_CONFIG naming ptyModule', async (_, bad) => {
    const backend = new NodePtyBackend({ ptyModule: bad as unknown as PtyModule });
    const init = await backend.initialize({});
    expect(!init.ok && init.error.code).toBe('INVALID_CONFIG');
    expect(!init.ok && init.error.message).toMatch(/^invalid ptyModule: .*spawn/);
    const check = await createNodePtyPlugin({ ptyModule: bad as unknown as PtyModule }).checkPlatform();
    expect(check.ok).toBe(false);
    await backend.shutdown();
  });
});

describe('a backend whose node-pty cannot load', () => {
  /** Loads the package afresh; its `require('node-pty')` throws `error`. */
  function withBrokenNodePty(error: Error): {
    Backend: typeof NodePtyBackend;
    check: () => Promise<PlatformCheck>;
  } {
    let loaded!: { Backend: typeof NodePtyBackend; check: () => Promise<PlatformCheck> };
    jest.isolateModules(() => {
      jest.doMock('node-pty', () => {
        throw error;
      });
      const backendModule = require('./node-pty-backend') as { NodePtyBackend: typeof NodePtyBackend };
      const pluginModule = require('./plugin') as { plugin: BackendPlugin };
      loaded = { Backend: backendModule.NodePtyBackend, check: () => pluginModule.plugin.checkPlatform() };
    });
    return loaded;
  }
  // The package loads node-pty lazily (at initialize), so the broken module stays mocked until the test ends.
  afterEach(() => jest.dontMock('node-pty'));

  it('is UNAVAILABLE when node-pty is not installed, with how to install it or pass ptyModule', async () => {
    const missing = Object.assign(new Error("Cannot find module 'node-pty'"), { code: 'MODULE_NOT_FOUND' });
    const { Backend, check } = withBrokenNodePty(missing);
    const backend = new Backend();
    const init = await backend.initialize({});
    expect(init.ok).toBe(false);
    if (init.ok) return;
    expect(init.error.code).toBe('UNAVAILABLE');
    expect(init.error.dispatched).toBe(false);
    expect(init.error.message).toContain('node-pty is not installed');
    expect(init.error.details?.['hint']).toMatch(/npm install node-pty.*ptyModule/);
    const platform = await check();
    expect(platform).toMatchObject({ ok: false, reason: init.error.message });
    expect(!platform.ok && platform.hint).toMatch(/npm install node-pty.*ptyModule/);
    await backend.shutdown();
  });

  it('is UNAVAILABLE when the native binary fails to load, with the rebuild and prebuilt hints', async () => {
    const { Backend } = withBrokenNodePty(new Error('pty.node: invalid ELF header'));
    const backend = new Backend();
    const init = await backend.initialize({});
    expect(!init.ok && init.error.code).toBe('UNAVAILABLE');
    expect(!init.ok && init.error.message).toContain('invalid ELF header');
    expect(!init.ok && init.error.details?.['hint']).toMatch(/npm rebuild node-pty.*ptyModule/);
    await backend.shutdown();
  });

  it('still works when given a ptyModule', async () => {
    const { Backend } = withBrokenNodePty(new Error('pty.node: invalid ELF header'));
    const backend = new Backend({ ptyModule: nodePtyFits });
    try {
      expectOk(await backend.initialize({}));
      const s = expectOk(await backend.createSession());
      expect(expectOk(await backend.executeCommand(s.id, 'echo fallback-ok')).output).toBe('fallback-ok\n');
    } finally {
      await backend.shutdown();
    }
  });
});
