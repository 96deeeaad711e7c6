import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BackendFactory } from '@vth/factory';
import { expectOk } from '@vth/testkit';
import { IMAGE } from '../test/docker-cli';
import { FakeEngine, SocketRelay } from '../test/fake-engine';
import { ContainerBackend } from './container-backend';
import { locateEngine } from './engine-discovery';
import { plugin } from './plugin';

jest.setTimeout(60_000);

/** A fake machine: a home, a Docker config dir, a runtime dir, and sockets that really listen. */
class FakeMachine {
  readonly root = mkdtempSync(join(tmpdir(), 'vth-disc-'));
  readonly home = join(this.root, 'home');
  readonly runtime = join(this.root, 'run');
  private readonly servers: Server[] = [];

  constructor() {
    mkdirSync(this.home);
    mkdirSync(this.runtime);
  }

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return { HOME: this.home, XDG_RUNTIME_DIR: this.runtime, ...extra };
  }

  async socket(path: string): Promise<string> {
    mkdirSync(dirname(path), { recursive: true });
    const server = createServer((c) => c.destroy());
    await new Promise<void>((resolve) => server.listen(path, resolve));
    this.servers.push(server);
    return path;
  }

  /** A Docker context as `docker context create` stores it. */
  context(configDir: string, name: string, host: string): void {
    const dir = join(configDir, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'meta.json'),
      JSON.stringify({
        Name: name,
        Metadata: {},
        Endpoints: { docker: { Host: host, SkipTLSVerify: false } },
      }),
    );
  }

  currentContext(configDir: string, name: string): void {
    mkdirSync(configDir, { recursive: true });
    writeFileSync(join(configDir, 'config.json'), JSON.stringify({ auths: {}, currentContext: name }));
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.map((s) => new Promise((r) => s.close(r))));
    rmSync(this.root, { recursive: true, force: true });
  }
}

describe('finding the engine as the docker CLI does', () => {
  let m: FakeMachine;
  beforeEach(() => {
    m = new FakeMachine();
  });
  afterEach(() => m.close());

  const locate = (env: NodeJS.ProcessEnv, choice = {}) => expectOk(locateEngine(choice, env));

  it('takes config.host first, then DOCKER_HOST (over any context)', async () => {
    const dockerDir = join(m.home, '.docker');
    m.context(dockerDir, 'remote', 'ssh://builder@remote');
    m.currentContext(dockerDir, 'remote');
    const env = m.env({ DOCKER_HOST: 'tcp://127.0.0.1:2375', DOCKER_CONTEXT: 'remote' });
    expect(locate(env, { host: 'unix:///x.sock' })).toMatchObject({
      host: 'unix:///x.sock',
      source: 'config.host',
    });
    expect(locate(env)).toMatchObject({ host: 'tcp://127.0.0.1:2375', source: 'DOCKER_HOST' });
  });

  it('follows currentContext of ~/.docker/config.json to the context endpoint', async () => {
    const dockerDir = join(m.home, '.docker');
    m.context(dockerDir, 'remote', 'ssh://builder@remote');
    m.currentContext(dockerDir, 'remote');
    await m.socket(join(m.runtime, 'docker.sock')); // a context wins over sockets
    expect(locate(m.env())).toEqual({
      host: 'ssh://builder@remote',
      source: 'docker context "remote"',
      tls: {},
    });
  });

  it('reads $DOCKER_CONFIG instead of ~/.docker, and DOCKER_CONTEXT over currentContext', async () => {
    const configDir = join(m.root, 'docker-config');
    m.context(configDir, 'remote', 'ssh://builder@remote');
    m.context(configDir, 'other', 'tcp://10.0.0.9:2375');
    m.currentContext(configDir, 'remote');
    m.currentContext(join(m.home, '.docker'), 'ignored');
    expect(locate(m.env({ DOCKER_CONFIG: configDir }))).toMatchObject({ host: 'ssh://builder@remote' });
    expect(locate(m.env({ DOCKER_CONFIG: configDir, DOCKER_CONTEXT: 'other' }))).toMatchObject({
      host: 'tcp://10.0.0.9:2375',
      source: 'docker context "other"',
    });
  });

  it('uses the context TLS files, verified', async () => {
    const dockerDir = join(m.home, '.docker');
    m.context(dockerDir, 'tls', 'tcp://10.0.0.9:2376');
    const id = createHash('sha256').update('tls').digest('hex');
    mkdirSync(join(dockerDir, 'contexts', 'tls', id, 'docker'), { recursive: true });
    expect(locate(m.env({ DOCKER_CONTEXT: 'tls' })).tls).toEqual({
      verify: true,
      certPath: join(dockerDir, 'contexts', 'tls', id, 'docker'),
    });
  });

  it('refuses a context that does not exist, naming it, rather than reaching another engine', async () => {
    await m.socket(join(m.runtime, 'docker.sock'));
    const r = locateEngine({}, m.env({ DOCKER_CONTEXT: 'gone' }));
    expect(!r.ok && r.error.code).toBe('UNAVAILABLE');
    if (!r.ok) expect(r.error.message).toMatch(/Docker context "gone" \(DOCKER_CONTEXT\) does not exist/);
  });

  it('treats the "default" context as no context', async () => {
    m.currentContext(join(m.home, '.docker'), 'default');
    const sock = await m.socket(join(m.runtime, 'docker.sock'));
    expect(locate(m.env())).toMatchObject({ host: `unix://${sock}` });
  });

  it('probes rootless Docker, then Docker Desktop, then rootless Podman, skipping what is not a socket', async () => {
    const podman = await m.socket(join(m.runtime, 'podman', 'podman.sock'));
    expect(locate(m.env())).toMatchObject({ host: `unix://${podman}`, source: 'rootless Podman socket' });
    const desktop = await m.socket(join(m.home, '.docker', 'run', 'docker.sock'));
    expect(locate(m.env())).toMatchObject({
      host: `unix://${desktop}`,
      source: expect.stringMatching(/Desktop/),
    });
    writeFileSync(join(m.runtime, 'docker.sock'), 'not a socket');
    expect(locate(m.env())).toMatchObject({ host: `unix://${desktop}` });
    rmSync(join(m.runtime, 'docker.sock'));
    const rootless = await m.socket(join(m.runtime, 'docker.sock'));
    expect(locate(m.env())).toMatchObject({
      host: `unix://${rootless}`,
      source: expect.stringMatching(/rootless Docker/),
    });
  });

  it('falls back to /run/podman/podman.sock, then /var/run/docker.sock', () => {
    const expected = existsSync('/run/podman/podman.sock')
      ? 'unix:///run/podman/podman.sock'
      : 'unix:///var/run/docker.sock';
    expect(locate(m.env()).host).toBe(expected);
    expect(locate({}).host).toBe(expected);
  });
});

describe('the backend on an engine it found by itself', () => {
  let m: FakeMachine;
  const saved: Record<string, string | undefined> = {};
  const names = ['HOME', 'DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_CONFIG', 'XDG_RUNTIME_DIR'];
  beforeEach(() => {
    m = new FakeMachine();
    for (const n of names) {
      saved[n] = process.env[n];
      delete process.env[n];
    }
    Object.assign(process.env, m.env());
  });
  afterEach(async () => {
    for (const n of names) {
      if (saved[n] === undefined) delete process.env[n];
      else process.env[n] = saved[n];
    }
    await m.close();
  });

  it('reaches the real engine through a rootless-Docker socket and says so in health and the platform check', async () => {
    const relay = new SocketRelay(join(m.runtime, 'docker.sock'));
    await relay.start();
    const backend = new ContainerBackend({ image: IMAGE });
    try {
      expectOk(await backend.initialize({}));
      const s = expectOk(await backend.createSession());
      expect(expectOk(await backend.executeCommand(s.id, 'echo found')).output).toBe('found\n');
      expect((await backend.getHealth()).details?.['engine']).toMatchObject({
        host: `unix://${relay.socketPath}`,
        source: expect.stringMatching(/rootless Docker/),
      });
      expect(relay.connections).toBeGreaterThan(0);
      const check = expectOk(await new BackendFactory({ plugins: [plugin] }).checkPlatform('container'));
      expect(check).toMatchObject({
        ok: true,
        detail: expect.stringContaining(`at unix://${relay.socketPath} (rootless Docker`),
      });
    } finally {
      await backend.shutdown();
      await relay.stop();
    }
  });

  it('reaches the engine of the current Docker context', async () => {
    const fake = new FakeEngine(join(m.root, 'ctx.sock'), { max: '1.52', min: '1.44' });
    await fake.start();
    m.context(join(m.home, '.docker'), 'fake', `unix://${fake.socketPath}`);
    m.currentContext(join(m.home, '.docker'), 'fake');
    const backend = new ContainerBackend({ image: IMAGE });
    try {
      expectOk(await backend.initialize({}));
      expect((await backend.getHealth()).details?.['engine']).toMatchObject({
        host: `unix://${fake.socketPath}`,
        source: 'docker context "fake"',
        apiVersion: '1.52',
      });
      expect(fake.requests.length).toBeGreaterThan(1);
    } finally {
      await backend.shutdown();
      await fake.stop();
    }
  });

  it('names the context it could not find', async () => {
    process.env['DOCKER_CONTEXT'] = 'gone';
    const backend = new ContainerBackend({ image: IMAGE });
    const r = await backend.initialize({});
    expect(!r.ok && r.error.code).toBe('UNAVAILABLE');
    if (!r.ok) expect(r.error.message).toMatch(/Docker context "gone"/);
    await backend.shutdown();
  });
});
