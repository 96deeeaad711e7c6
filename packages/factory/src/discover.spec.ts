import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { BackendFactory, type DiscoveryReport } from './backend-factory';
import { memoryPlugin } from './test-support/memory-plugin.fixture';
import { importNatively } from './test-support/native-import.fixture';

/** A plugin as a third party would write it: plain JS, no dependencies, a hand-written schema. */
function pluginSource(type: string): string {
  return `{
  type: ${JSON.stringify(type)},
  version: '1.0.0',
  description: 'fixture plugin ${type}',
  contractVersion: 1,
  capabilities: {
    persistentSessions: true, multiplePanes: false, resize: false, interrupt: true, sendInput: true,
    capture: true, streaming: false, exitCodes: true, cwdTracking: false, isolation: 'none', remote: false,
  },
  configSchema: { safeParse: (v) => ({ success: true, data: v }) },
  checkPlatform: async () => ({ ok: true }),
  create: (config) => {
    const backend = {
      createdWith: config,
      initializedWith: undefined,
      initialize: async (c) => { backend.initializedWith = c; if (c.id) backend.id = c.id; return { ok: true, value: undefined }; },
      shutdown: async () => {},
    };
    return backend;
  },
}`;
}

const NO_EXPORT_REASON =
  'exports no plugin (expected a "plugin" export, a default export with "plugin", or a default export that is the plugin)';

let root: string;
let appDir: string;

async function writePackage(
  dir: string,
  manifest: unknown,
  files: Record<string, string> = {},
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, 'package.json'),
    typeof manifest === 'string' ? manifest : JSON.stringify(manifest, null, 2),
  );
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
}

const nm = (name: string) => path.join(appDir, 'node_modules', name);

beforeAll(async () => {
  // realpath: on macOS the temp dir is behind a symlink, and reported module paths are real paths.
  root = await realpath(await mkdtemp(path.join(tmpdir(), 'vth-factory-discover-')));
  appDir = path.join(root, 'app');
  await writePackage(appDir, {
    name: 'app',
    version: '1.0.0',
    private: true,
    dependencies: {
      'vth-backend-cjs': '^1.0.0',
      'vth-backend-esm': '^1.0.0',
      '@acme/vth-backend-scoped': '^1.0.0',
      'left-pad': '^1.0.0',
      'vth-backend-malformed': '^1.0.0',
      'vth-backend-throws': '^1.0.0',
      'vth-backend-evil': '^1.0.0',
      'vth-backend-missing-file': '^1.0.0',
      'vth-backend-not-installed': '^1.0.0',
      'vth-backend-bad-json': '^1.0.0',
      'vth-backend-exports-map': '^1.0.0',
      'vth-backend-duplicate': '^1.0.0',
      'vth-backend-no-export': '^1.0.0',
      'vth-backend-bad-field': '^1.0.0',
    },
    optionalDependencies: { 'vth-backend-cjs': '^1.0.0' },
    devDependencies: { 'vth-backend-dev': '^1.0.0' },
  });
  await writePackage(
    nm('vth-backend-cjs'),
    { name: 'vth-backend-cjs', version: '1.2.3', main: 'index.js', vth: { backend: './dist/plugin.js' } },
    { 'dist/plugin.js': `'use strict';\nexports.plugin = ${pluginSource('fixture-cjs')};\n` },
  );
  await writePackage(
    nm('vth-backend-esm'),
    { name: 'vth-backend-esm', version: '2.0.0', vth: { backend: './plugin.mjs' } },
    { 'plugin.mjs': `export const plugin = ${pluginSource('fixture-esm')};\n` },
  );
  // Hoisted above the app, as a workspace would put it: found by walking up.
  await writePackage(
    path.join(root, 'node_modules', '@acme', 'vth-backend-scoped'),
    { name: '@acme/vth-backend-scoped', version: '0.1.0', vth: { backend: 'lib/plugin.js' } },
    { 'lib/plugin.js': `module.exports = ${pluginSource('fixture-scoped')};\n` },
  );
  await writePackage(
    nm('left-pad'),
    { name: 'left-pad', version: '1.3.0' },
    { 'index.js': 'module.exports = 1;' },
  );
  await writePackage(
    nm('vth-backend-malformed'),
    { name: 'vth-backend-malformed', version: '1.0.0', vth: { backend: './plugin.js' } },
    {
      'plugin.js': `exports.plugin = { ...${pluginSource('Malformed Type')}, checkPlatform: 'yes', configSchema: {} };\n`,
    },
  );
  await writePackage(
    nm('vth-backend-throws'),
    { name: 'vth-backend-throws', version: '1.0.0', vth: { backend: './plugin.js' } },
    { 'plugin.js': `throw new Error('boom on load');\n` },
  );
  await writePackage(nm('vth-backend-evil'), {
    name: 'vth-backend-evil',
    version: '1.0.0',
    vth: { backend: '../../evil.js' },
  });
  // The target exists, so only the containment check stops it.
  await writeFile(path.join(appDir, 'evil.js'), `exports.plugin = ${pluginSource('evil')};\n`);
  await writePackage(nm('vth-backend-missing-file'), {
    name: 'vth-backend-missing-file',
    version: '1.0.0',
    vth: { backend: './dist/plugin.js' },
  });
  await writePackage(nm('vth-backend-bad-json'), '{ "name": "vth-backend-bad-json", ');
  await writePackage(
    nm('vth-backend-exports-map'),
    {
      name: 'vth-backend-exports-map',
      version: '3.0.0',
      type: 'module',
      exports: { '.': './index.js' },
      vth: { backend: './lib/plugin.js' },
    },
    {
      'index.js': 'export {};\n',
      'lib/plugin.js': `const plugin = ${pluginSource('fixture-exports-map')};\nexport default { plugin };\n`,
    },
  );
  await writePackage(
    nm('vth-backend-duplicate'),
    { name: 'vth-backend-duplicate', version: '1.0.0', vth: { backend: './plugin.js' } },
    { 'plugin.js': `exports.plugin = ${pluginSource('fixture-cjs')};\n` },
  );
  await writePackage(
    nm('vth-backend-no-export'),
    { name: 'vth-backend-no-export', version: '1.0.0', vth: { backend: './plugin.js' } },
    { 'plugin.js': `exports.somethingElse = 1;\n` },
  );
  await writePackage(nm('vth-backend-bad-field'), {
    name: 'vth-backend-bad-field',
    version: '1.0.0',
    vth: { backend: 42 },
  });
  await writePackage(
    nm('vth-backend-dev'),
    { name: 'vth-backend-dev', version: '0.0.1', vth: { backend: './plugin.js' } },
    { 'plugin.js': `exports.plugin = ${pluginSource('fixture-dev')};\n` },
  );
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function expectedReport(): DiscoveryReport {
  return {
    plugins: [
      {
        package: 'vth-backend-cjs',
        version: '1.2.3',
        type: 'fixture-cjs',
        modulePath: path.join(nm('vth-backend-cjs'), 'dist', 'plugin.js'),
      },
      {
        package: 'vth-backend-esm',
        version: '2.0.0',
        type: 'fixture-esm',
        modulePath: path.join(nm('vth-backend-esm'), 'plugin.mjs'),
      },
      {
        package: '@acme/vth-backend-scoped',
        version: '0.1.0',
        type: 'fixture-scoped',
        modulePath: path.join(root, 'node_modules', '@acme', 'vth-backend-scoped', 'lib', 'plugin.js'),
      },
      {
        package: 'vth-backend-exports-map',
        version: '3.0.0',
        type: 'fixture-exports-map',
        modulePath: path.join(nm('vth-backend-exports-map'), 'lib', 'plugin.js'),
      },
    ],
    failures: [
      {
        package: 'vth-backend-malformed',
        reason:
          'invalid plugin: plugin.type: must match /^[a-z0-9][a-z0-9._-]*$/ (lowercase letters, digits, ".", "_", "-"); ' +
          'plugin.configSchema: must be a schema with a safeParse function; plugin.checkPlatform: must be a function',
      },
      { package: 'vth-backend-throws', reason: '"./plugin.js" failed to load: boom on load' },
      { package: 'vth-backend-evil', reason: '"vth.backend" ("../../evil.js") points outside the package' },
      { package: 'vth-backend-missing-file', reason: '"vth.backend" ("./dist/plugin.js") does not exist' },
      {
        package: 'vth-backend-not-installed',
        reason: `not installed (no node_modules above ${appDir} holds it)`,
      },
      {
        package: 'vth-backend-bad-json',
        reason: expect.stringMatching(/^package\.json is not valid JSON \(.+\)$/) as unknown as string,
      },
      {
        package: 'vth-backend-duplicate',
        reason: 'backend type "fixture-cjs" is already registered by vth-backend-cjs',
      },
      { package: 'vth-backend-no-export', reason: `"./plugin.js" ${NO_EXPORT_REASON}` },
      {
        package: 'vth-backend-bad-field',
        reason: '"vth.backend" must be a non-empty string path relative to the package',
      },
    ],
    skipped: ['left-pad'],
    warnings: [],
  };
}

describe('BackendFactory.discover', () => {
  it('registers the plugins among the dependencies and reports every other case', async () => {
    const factory = new BackendFactory();
    const found = await factory.discover({ from: appDir, importModule: importNatively });
    expect(found).toEqual({ ok: true, value: expectedReport() });
    expect(factory.list().map((p) => p.type)).toEqual([
      'fixture-cjs',
      'fixture-esm',
      'fixture-exports-map',
      'fixture-scoped',
    ]);
    expect(factory.get('fixture-cjs')?.description).toBe('fixture plugin fixture-cjs');
  });

  it('creates a working backend from a discovered plugin', async () => {
    const factory = new BackendFactory();
    await factory.discover({ from: appDir, importModule: importNatively });
    const created = await factory.create('fixture-esm', { shell: 'bash' }, { id: 'esm-1' });
    expect(created.ok).toBe(true);
    if (created.ok) {
      expect(created.value.id).toBe('esm-1');
      expect((created.value as unknown as { initializedWith: unknown }).initializedWith).toEqual({
        shell: 'bash',
        id: 'esm-1',
      });
    }
  });

  it('accepts the package.json path itself, and only reports when register is false', async () => {
    const factory = new BackendFactory();
    const found = await factory.discover({
      from: path.join(appDir, 'package.json'),
      register: false,
      importModule: importNatively,
    });
    expect(found).toEqual({ ok: true, value: expectedReport() });
    expect(factory.list()).toEqual([]);
  });

  it('reads the dependency lists it is told to', async () => {
    const factory = new BackendFactory();
    const found = await factory.discover({
      from: appDir,
      dependencyFields: ['devDependencies'],
      importModule: importNatively,
    });
    expect(found).toEqual({
      ok: true,
      value: {
        plugins: [
          {
            package: 'vth-backend-dev',
            version: '0.0.1',
            type: 'fixture-dev',
            modulePath: path.join(nm('vth-backend-dev'), 'plugin.js'),
          },
        ],
        failures: [],
        skipped: [],
        warnings: [],
      },
    });
  });

  it('does not replace a plugin registered before discovery', async () => {
    const mine = memoryPlugin({ type: 'fixture-esm' });
    const factory = new BackendFactory({ plugins: [mine] });
    const found = await factory.discover({ from: appDir, importModule: importNatively });
    expect(found.ok).toBe(true);
    if (!found.ok) return;
    expect(found.value.plugins.map((p) => p.type)).toEqual([
      'fixture-cjs',
      'fixture-scoped',
      'fixture-exports-map',
    ]);
    expect(found.value.failures).toContainEqual({
      package: 'vth-backend-esm',
      reason: 'backend type "fixture-esm" is already registered',
    });
    expect(factory.get('fixture-esm')).toBe(mine);
  });

  it('rejects a dependency name that would escape node_modules', async () => {
    const dir = path.join(root, 'sneaky');
    await writePackage(dir, { name: 'sneaky', dependencies: { '../app/node_modules/vth-backend-cjs': '1' } });
    const found = await new BackendFactory().discover({ from: dir, importModule: importNatively });
    expect(found).toEqual({
      ok: true,
      value: {
        plugins: [],
        failures: [{ package: '../app/node_modules/vth-backend-cjs', reason: 'not a valid package name' }],
        skipped: [],
        warnings: [],
      },
    });
  });

  it('returns INVALID_CONFIG when the app has no usable package.json', async () => {
    const factory = new BackendFactory();
    const missing = await factory.discover({ from: path.join(root, 'nowhere') });
    expect(missing.ok).toBe(false);
    if (!missing.ok) {
      expect(missing.error.code).toBe('INVALID_CONFIG');
      expect(missing.error.dispatched).toBe(false);
      expect(missing.error.message).toMatch(/^app manifest .*nowhere cannot be read \(ENOENT/);
    }
    const broken = path.join(root, 'broken');
    await writePackage(broken, 'not json');
    const notJson = await factory.discover({ from: broken });
    expect(!notJson.ok && notJson.error.message).toMatch(
      /^app manifest .*broken\/package\.json is not valid JSON/,
    );
    const wrongDeps = path.join(root, 'wrong-deps');
    await writePackage(wrongDeps, { name: 'x', dependencies: ['vth-backend-cjs'] });
    const badField = await factory.discover({ from: wrongDeps });
    expect(!badField.ok && badField.error.message).toBe(
      `app manifest ${path.join(wrongDeps, 'package.json')}: "dependencies" must be an object`,
    );
    const array = path.join(root, 'array');
    await writePackage(array, '[]');
    const notObject = await factory.discover({ from: array });
    expect(!notObject.ok && notObject.error.code).toBe('INVALID_CONFIG');
  });

  it('returns INVALID_INPUT for malformed options', async () => {
    const found = await new BackendFactory().discover({
      from: 3,
      dependencyFields: ['bundledDependencies'],
    } as never);
    expect(found.ok).toBe(false);
    if (!found.ok) {
      expect(found.error.code).toBe('INVALID_INPUT');
      expect(found.error.message).toMatch(
        /options\.from: must be a string; options\.dependencyFields\[0\]: /,
      );
    }
  });

  it('reports a loader that rejects as a failure of that package only', async () => {
    const found = await new BackendFactory().discover({
      from: appDir,
      importModule: async () => {
        throw new Error('loader unavailable');
      },
    });
    expect(found.ok).toBe(true);
    if (!found.ok) return;
    expect(found.value.plugins).toEqual([]);
    expect(found.value.failures).toContainEqual({
      package: 'vth-backend-esm',
      reason: '"./plugin.mjs" failed to load: loader unavailable',
    });
  });
});

describe('discover with plugins written for other contract versions', () => {
  it('registers an older plugin with warnings and reports a newer one as a failure', async () => {
    const app = path.join(root, 'versions-app');
    await writePackage(app, {
      name: 'versions-app',
      dependencies: { 'vth-backend-old': '1', 'vth-backend-future': '1' },
    });
    // Written before contractVersion and the "remote" flag existed.
    const old = pluginSource('fixture-old').replace('contractVersion: 1,', '').replace('remote: false,', '');
    await writePackage(
      path.join(app, 'node_modules', 'vth-backend-old'),
      { name: 'vth-backend-old', version: '0.9.0', vth: { backend: './plugin.js' } },
      { 'plugin.js': `exports.plugin = ${old};\n` },
    );
    const future = pluginSource('fixture-future').replace('contractVersion: 1,', 'contractVersion: 7,');
    await writePackage(
      path.join(app, 'node_modules', 'vth-backend-future'),
      { name: 'vth-backend-future', version: '3.0.0', vth: { backend: './plugin.js' } },
      { 'plugin.js': `exports.plugin = ${future};\n` },
    );
    const factory = new BackendFactory();
    const found = await factory.discover({ from: app, importModule: importNatively });
    expect(found.ok && found.value.plugins.map((p) => p.type)).toEqual(['fixture-old']);
    expect(found.ok && found.value.warnings).toEqual([
      {
        package: 'vth-backend-old',
        message: 'plugin.contractVersion: not declared; assumed 1 (declare contractVersion: 1)',
      },
      {
        package: 'vth-backend-old',
        message: 'plugin.capabilities: no remote (the plugin predates it); read as false',
      },
    ]);
    expect(found.ok && found.value.failures).toEqual([
      {
        package: 'vth-backend-future',
        reason:
          'invalid plugin: plugin.contractVersion: 7 is newer than this @vth/factory supports (at most 1); ' +
          'upgrade @vth/factory and @vth/core',
      },
    ]);
    expect(factory.list()[0]!.capabilities.remote).toBe(false);
  });
});

describe('discover with a module that never finishes loading', () => {
  let hungApp: string;

  beforeAll(async () => {
    hungApp = path.join(root, 'hung-app');
    await writePackage(hungApp, {
      name: 'hung-app',
      version: '1.0.0',
      private: true,
      dependencies: { 'vth-backend-hangs': '^1.0.0', 'vth-backend-after': '^1.0.0' },
    });
    const modules = path.join(hungApp, 'node_modules');
    // An ES module whose top-level await never settles: import() of it never settles either.
    await writePackage(
      path.join(modules, 'vth-backend-hangs'),
      { name: 'vth-backend-hangs', version: '1.0.0', vth: { backend: './plugin.mjs' } },
      {
        'plugin.mjs': `await new Promise(() => {});\nexport const plugin = ${pluginSource('fixture-hangs')};\n`,
      },
    );
    await writePackage(
      path.join(modules, 'vth-backend-after'),
      { name: 'vth-backend-after', version: '1.0.0', vth: { backend: './plugin.mjs' } },
      { 'plugin.mjs': `export const plugin = ${pluginSource('fixture-after')};\n` },
    );
  });

  it('reports it as a failure of that package after loadTimeoutMs and still loads the packages after it', async () => {
    const factory = new BackendFactory();
    const found = await factory.discover({
      from: hungApp,
      importModule: importNatively,
      loadTimeoutMs: 2000,
    });
    expect(found).toEqual({
      ok: true,
      value: {
        plugins: [
          {
            package: 'vth-backend-after',
            version: '1.0.0',
            type: 'fixture-after',
            modulePath: path.join(hungApp, 'node_modules', 'vth-backend-after', 'plugin.mjs'),
          },
        ],
        failures: [
          {
            package: 'vth-backend-hangs',
            reason:
              '"./plugin.mjs" did not finish loading within 2000 ms (a top-level await that never settles?)',
          },
        ],
        skipped: [],
        warnings: [],
      },
    });
    expect(factory.has('fixture-after')).toBe(true);
    expect(factory.has('fixture-hangs')).toBe(false);
  }, 30_000);

  it('reports a module whose plugin export throws when read as a failure of that package only', async () => {
    const app = path.join(root, 'throwing-export-app');
    await writePackage(app, {
      name: 'throwing-export-app',
      dependencies: { 'vth-backend-throwing-export': '1', 'vth-backend-after': '1' },
    });
    await writePackage(
      path.join(app, 'node_modules', 'vth-backend-throwing-export'),
      { name: 'vth-backend-throwing-export', version: '1.0.0', vth: { backend: './plugin.js' } },
      { 'plugin.js': `module.exports = { get plugin() { throw new Error('no peeking'); } };\n` },
    );
    await writePackage(
      path.join(app, 'node_modules', 'vth-backend-after'),
      { name: 'vth-backend-after', version: '1.0.0', vth: { backend: './plugin.mjs' } },
      { 'plugin.mjs': `export const plugin = ${pluginSource('fixture-after')};\n` },
    );
    const found = await new BackendFactory().discover({ from: app, importModule: importNatively });
    expect(found.ok).toBe(true);
    if (!found.ok) return;
    expect(found.value.plugins.map((p) => p.type)).toEqual(['fixture-after']);
    expect(found.value.failures).toEqual([
      { package: 'vth-backend-throwing-export', reason: '"./plugin.js" could not be inspected: no peeking' },
    ]);
  });

  it('bounds a loader that never settles the same way, for every package', async () => {
    const found = await new BackendFactory().discover({
      from: hungApp,
      importModule: () => new Promise(() => undefined),
      loadTimeoutMs: 50,
    });
    expect(found.ok && found.value.failures.map((f) => f.package)).toEqual([
      'vth-backend-hangs',
      'vth-backend-after',
    ]);
    expect(found.ok && found.value.failures[1]!.reason).toBe(
      '"./plugin.mjs" did not finish loading within 50 ms (a top-level await that never settles?)',
    );
  });

  it.each([0, -1, 1.5, 'soon', 2 ** 31])(
    'refuses loadTimeoutMs %j with INVALID_INPUT',
    async (loadTimeoutMs) => {
      const found = await new BackendFactory().discover({ from: hungApp, loadTimeoutMs } as never);
      expect(found.ok).toBe(false);
      if (!found.ok) {
        expect(found.error.code).toBe('INVALID_INPUT');
        expect(found.error.message).toContain('options.loadTimeoutMs');
      }
    },
  );
});

describe("discover with the runtime's own import()", () => {
  // Jest cannot run a real import() (see native-import.fixture.ts), so this runs the built package in a
  // plain Node process: it proves the CommonJS output still holds a real import() that loads CJS and ESM.
  const distIndex = path.join(__dirname, '..', 'dist', 'index.js');

  it('finds the same plugins from the built package in a plain Node process', async () => {
    expect(existsSync(distIndex)).toBe(true); // build first: `nx run @vth/factory:test` does
    const script = `
      const { BackendFactory } = require(${JSON.stringify(distIndex)});
      new BackendFactory().discover({ from: ${JSON.stringify(appDir)} })
        .then((r) => process.stdout.write(JSON.stringify(r)));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script]);
    expect(JSON.parse(stdout)).toEqual({ ok: true, value: expectedReport() });
  });
});
