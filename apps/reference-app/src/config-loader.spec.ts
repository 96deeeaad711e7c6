import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConfigLoader } from './config-loader';

describe('ConfigLoader', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'vth-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: unknown) => {
    const file = path.join(dir, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };
  const load = (env: NodeJS.ProcessEnv = {}, configPath?: string) =>
    new ConfigLoader(env, dir).load(configPath);

  it('applies the defaults when there is no file', async () => {
    const loaded = await load();
    expect(loaded).toEqual({
      ok: true,
      value: { config: { fallbackOrder: ['node-pty'], backends: {}, exec: {} } },
    });
  });

  it('reads ./vth.config.json from the working directory when it exists', async () => {
    const file = write('vth.config.json', { fallbackOrder: ['tmux', 'node-pty'] });
    const loaded = await load();
    expect(loaded.ok && loaded.value).toEqual({
      file,
      config: { fallbackOrder: ['tmux', 'node-pty'], backends: {}, exec: {} },
    });
  });

  it('prefers --config over VTH_CONFIG over ./vth.config.json', async () => {
    write('vth.config.json', { defaultBackend: 'conventional' });
    const fromEnv = write('env.json', { defaultBackend: 'env' });
    const fromFlag = write('flag.json', { defaultBackend: 'flag' });
    const viaEnv = await load({ VTH_CONFIG: fromEnv });
    expect(viaEnv.ok && viaEnv.value.config.defaultBackend).toBe('env');
    const viaFlag = await load({ VTH_CONFIG: fromEnv }, fromFlag);
    expect(viaFlag.ok && viaFlag.value.config.defaultBackend).toBe('flag');
  });

  it('accepts a "$schema" key naming the JSON Schema, for editors, and ignores it', async () => {
    write('vth.config.json', {
      $schema: './node_modules/@vth/reference-app/config.schema.json',
      defaultBackend: 'tmux',
    });
    const loaded = await load();
    expect(loaded.ok && loaded.value.config.defaultBackend).toBe('tmux');
  });

  it('resolves a relative --config against the working directory', async () => {
    const file = write('relative.json', {});
    const loaded = await load({}, 'relative.json');
    expect(loaded.ok && loaded.value.file).toBe(file);
  });

  it('keeps per-backend config as given, for the plugin to validate', async () => {
    write('vth.config.json', { backends: { 'node-pty': { shell: 'sh', anything: [1] } } });
    const loaded = await load();
    expect(loaded.ok && loaded.value.config.backends).toEqual({ 'node-pty': { shell: 'sh', anything: [1] } });
  });

  it('lets VTH_BACKEND and VTH_TIMEOUT_MS override the file, keeping the rest of it', async () => {
    write('vth.config.json', {
      defaultBackend: 'tmux',
      fallbackOrder: ['tmux'],
      exec: { timeoutMs: 1000 },
    });
    const loaded = await load({ VTH_BACKEND: 'node-pty', VTH_TIMEOUT_MS: '2500' });
    expect(loaded.ok && loaded.value.config).toEqual({
      defaultBackend: 'node-pty',
      fallbackOrder: ['tmux'],
      backends: {},
      exec: { timeoutMs: 2500 },
    });
  });

  it('treats empty environment variables as unset', async () => {
    write('vth.config.json', { defaultBackend: 'tmux', exec: { timeoutMs: 1000 } });
    const loaded = await load({ VTH_BACKEND: '', VTH_TIMEOUT_MS: '', VTH_CONFIG: '' });
    expect(loaded.ok && loaded.value.config).toMatchObject({
      defaultBackend: 'tmux',
      exec: { timeoutMs: 1000 },
    });
  });

  it('rejects an invalid VTH_TIMEOUT_MS, naming the variable', async () => {
    const loaded = await load({ VTH_TIMEOUT_MS: '10s' });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.error.code).toBe('INVALID_CONFIG');
    expect(loaded.error.message).toBe(
      'invalid environment: VTH_TIMEOUT_MS: must be a whole number of milliseconds',
    );
  });

  it('rejects unknown keys at any depth, each at its own path', async () => {
    const file = write('vth.config.json', { colour: 'blue', exec: { timeoutMs: 5, retries: 2 } });
    const loaded = await load();
    expect(!loaded.ok && loaded.error.message).toBe(
      `invalid config ${file}: exec.retries: unknown key; colour: unknown key`,
    );
  });

  it('names every bad path in a file that fails the schema', async () => {
    const file = write('vth.config.json', { fallbackOrder: [], exec: { timeoutMs: 1.5 }, backends: [] });
    const loaded = await load();
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.error.code).toBe('INVALID_CONFIG');
    expect(loaded.error.message.startsWith(`invalid config ${file}: `)).toBe(true);
    expect(loaded.error.details?.['issues']).toEqual([
      'fallbackOrder: must name at least one backend type',
      'backends: must be an object keyed by backend type',
      'exec.timeoutMs: must be a whole number of milliseconds',
    ]);
  });

  it('rejects a file that is not JSON, naming the file', async () => {
    const file = write('vth.config.json', '{ nope');
    const loaded = await load();
    expect(!loaded.ok && loaded.error.message).toMatch(
      new RegExp(`^invalid config ${file}: not valid JSON: `),
    );
  });

  it('rejects a named file that does not exist, but not a missing ./vth.config.json', async () => {
    const missing = path.join(dir, 'missing.json');
    const named = await load({}, missing);
    expect(!named.ok && named.error.message).toBe(`cannot read config ${missing}: no such file`);
    const viaEnv = await load({ VTH_CONFIG: missing });
    expect(viaEnv.ok).toBe(false);
    expect((await load()).ok).toBe(true);
  });
});
