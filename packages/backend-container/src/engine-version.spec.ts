import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackendFactory } from '@vth/factory';
import { expectOk } from '@vth/testkit';
import { IMAGE } from '../test/docker-cli';
import { FakeEngine } from '../test/fake-engine';
import { ContainerBackend } from './container-backend';
import { EngineClient } from './engine-client';
import { parseDockerHost } from './engine-endpoint';
import { plugin } from './plugin';

jest.setTimeout(60_000);

describe('Engine API version negotiation against an engine that only answers newer versions', () => {
  let dir: string;
  let fake: FakeEngine | null = null;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vth-api-'));
  });
  afterEach(async () => {
    await fake?.stop();
    fake = null;
    rmSync(dir, { recursive: true, force: true });
  });

  async function engine(max: string, min: string): Promise<FakeEngine> {
    fake = new FakeEngine(join(dir, 'engine.sock'), { max, min });
    await fake.start();
    return fake;
  }

  it('speaks 1.52 with a Docker 29-like engine (refusing below 1.44), on every request after /_ping', async () => {
    const e = await engine('1.52', '1.44');
    const backend = new ContainerBackend({ image: IMAGE, host: `unix://${e.socketPath}` });
    try {
      expectOk(await backend.initialize({}));
      const health = await backend.getHealth();
      expect(health).toMatchObject({
        status: 'healthy',
        details: { engine: { host: `unix://${e.socketPath}`, source: 'config.host', apiVersion: '1.52' } },
      });
    } finally {
      await backend.shutdown();
    }
    const versioned = e.requests.filter((r) => !r.endsWith(' /_ping'));
    expect(versioned.length).toBeGreaterThan(0);
    for (const r of versioned) expect(r).toMatch(/^[A-Z]+ \/v1\.52\//);
  });

  it('takes the engine version when it is older than the newest vth speaks', async () => {
    const e = await engine('1.45', '1.24');
    const backend = new ContainerBackend({ image: IMAGE, host: `unix://${e.socketPath}` });
    try {
      expectOk(await backend.initialize({}));
    } finally {
      await backend.shutdown();
    }
    for (const r of e.requests.filter((x) => !x.endsWith(' /_ping'))) expect(r).toMatch(/ \/v1\.45\//);
  });

  it('refuses an engine older than API 1.41 with UNAVAILABLE and a hint', async () => {
    const e = await engine('1.40', '1.12');
    const backend = new ContainerBackend({ image: IMAGE, host: `unix://${e.socketPath}` });
    const r = await backend.initialize({});
    expect(!r.ok && r.error).toMatchObject({ code: 'UNAVAILABLE', dispatched: false });
    if (!r.ok) {
      expect(r.error.message).toMatch(/speaks Engine API 1\.40; vth needs 1\.41 or later/);
      expect(r.error.details?.['hint']).toMatch(/upgrade the Docker Engine/);
    }
    await backend.shutdown();
  });

  it('says UNAVAILABLE when the engine refuses even the newest version vth speaks', async () => {
    const e = await engine('1.60', '1.55');
    const backend = new ContainerBackend({ image: IMAGE, host: `unix://${e.socketPath}` });
    const r = await backend.initialize({});
    expect(!r.ok && r.error).toMatchObject({ code: 'UNAVAILABLE', dispatched: false });
    if (!r.ok) {
      expect(r.error.message).toMatch(/client version 1\.52 is too old/);
      expect(r.error.details?.['hint']).toMatch(/newer @vth\/backend-container/);
    }
    await backend.shutdown();
  });

  it('passes the platform check of a Docker 29-like engine named by DOCKER_HOST, saying which one', async () => {
    const e = await engine('1.52', '1.44');
    const saved = process.env['DOCKER_HOST'];
    process.env['DOCKER_HOST'] = `unix://${e.socketPath}`;
    try {
      const check = expectOk(await new BackendFactory({ plugins: [plugin] }).checkPlatform('container'));
      expect(check).toEqual({
        ok: true,
        detail: `Engine 29.0.0 (API 1.52) at unix://${e.socketPath} (DOCKER_HOST)`,
      });
    } finally {
      if (saved === undefined) delete process.env['DOCKER_HOST'];
      else process.env['DOCKER_HOST'] = saved;
    }
  });
});

describe('Engine API version negotiation against the real engine', () => {
  /** What the engine here says it speaks, read from its own /_ping. */
  const engineApi = () =>
    new Promise<string>((resolve, reject) => {
      request({ socketPath: '/var/run/docker.sock', path: '/_ping' }, (res) => {
        res.resume();
        resolve(String(res.headers['api-version']));
      })
        .on('error', reject)
        .end();
    });

  it('settles on the engine version (Debian docker.io 20.10: 1.41) and uses it', async () => {
    const expected = await engineApi();
    const client = new EngineClient({
      endpoint: parseDockerHost('unix:///var/run/docker.sock')!,
      timeoutMs: 10_000,
      backendId: 't',
    });
    try {
      expect(client.apiVersion).toBeNull();
      // The first call negotiates by itself.
      const v = expectOk(await client.json<{ ApiVersion: string }>('GET', '/version'));
      expect(client.apiVersion).toBe(expected);
      expect(v.ApiVersion).toBe(expected);
    } finally {
      client.close();
    }
    const backend = new ContainerBackend({ image: IMAGE });
    try {
      expectOk(await backend.initialize({}));
      const s = expectOk(await backend.createSession());
      expect(expectOk(await backend.executeCommand(s.id, 'echo negotiated')).output).toBe('negotiated\n');
      expect((await backend.getHealth()).details?.['engine']).toMatchObject({ apiVersion: expected });
    } finally {
      await backend.shutdown();
    }
  });
});
