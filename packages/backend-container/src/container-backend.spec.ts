import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ITerminalBackend } from '@vth/core';
import { BackendFactory } from '@vth/factory';
import { describeBackendConformance, expectOk } from '@vth/testkit';
import { docker, IMAGE, until } from '../test/docker-cli';
import { EngineProxy } from '../test/engine-proxy';
import { ContainerBackend } from './container-backend';
import { LABELS } from './container-spec';
import { EngineClient } from './engine-client';
import { parseDockerHost } from './engine-endpoint';
import { ownerTag } from './leftovers';
import { plugin } from './plugin';

/** Containers this test process made that still exist: what a shutdown must leave behind is nothing. */
async function listContainerLeaks(): Promise<string[]> {
  const out = docker(
    'ps',
    '-a',
    '--filter',
    `label=${LABELS.owner}=${ownerTag()}`,
    '--format',
    '{{.Names}} {{.Status}}',
  );
  return out ? out.split('\n') : [];
}

describeBackendConformance({
  name: 'container',
  create: () => new ContainerBackend({ image: IMAGE }),
  config: { interruptGraceMs: 500, killGraceMs: 300 },
  listLeaks: listContainerLeaks,
  timeoutScale: 3,
  // The image's bash and busybox tools, not this machine's, are what sessions run.
  referenceBash: (args, env) =>
    execFileSync(
      'docker',
      [
        'run',
        '--rm',
        '--init',
        '--network',
        'none',
        ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
        IMAGE,
        'bash',
        ...args,
      ],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    ),
});

jest.setTimeout(60_000);

describe('container sandbox defaults (and that they bite)', () => {
  let backend: ContainerBackend;
  let session: string;
  beforeAll(async () => {
    backend = new ContainerBackend({ image: IMAGE, memoryBytes: 64 * 1024 * 1024, pidsLimit: 48 });
    expectOk(await backend.initialize({}));
    session = expectOk(await backend.createSession()).id;
  });
  afterAll(() => backend.shutdown());

  const run = async (command: string) => expectOk(await backend.executeCommand(session, command));

  it('has no network, only loopback', async () => {
    expect((await run('ls /sys/class/net')).output).toBe('lo\n');
  });

  it('runs as a non-root user with no capabilities and no new privileges', async () => {
    expect((await run('id -u')).output).toBe('65534\n');
    expect((await run("grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status")).output).toBe(
      'CapEff:\t0000000000000000\nCapBnd:\t0000000000000000\nNoNewPrivs:\t1\n',
    );
  });

  it('has a read-only root and writable tmpfs work and temp dirs', async () => {
    expect((await run('touch /etc/x 2>&1; echo $?')).output).toMatch(/Read-only file system\n1\n$/);
    expect((await run('echo hi > /workspace/f && echo hi > /tmp/f && cat /workspace/f /tmp/f')).output).toBe(
      'hi\nhi\n',
    );
  });

  it('kills a memory hog with exit 137 and keeps the session', async () => {
    const hog = await run('head -c 200000000 /dev/zero | tail > /dev/null; echo status=$?');
    expect(hog.output).toContain('status=137');
    expect((await run('echo alive')).output).toBe('alive\n');
  });

  it('stops a fork bomb at the process limit', async () => {
    // Forks until the kernel refuses (busybox sh then gives up); then, with no process left to fork, counts
    // and kills with builtins only.
    const bomb = await run(
      'sh -c "while :; do sleep 30 & done" 2>/tmp/err; p=(/proc/[0-9]*); echo procs=${#p[@]}; ' +
        'read -r e < /tmp/err; echo "$e"; ' +
        'for d in /proc/[0-9]*; do read -r c < $d/comm 2>/dev/null && [[ $c == sleep ]] && kill ${d#/proc/}; done; echo ok',
    );
    const procs = Number(/procs=(\d+)/.exec(bomb.output)?.[1]);
    expect(procs).toBeGreaterThan(8);
    expect(procs).toBeLessThanOrEqual(48);
    expect(bomb.output).toContain("can't fork"); // the kernel refused
    expect(await until(async () => (await backend.executeCommand(session, 'echo alive')).ok)).toBe(true);
  });

  it('labels every container it makes', async () => {
    const labels = JSON.parse(
      docker('ps', '--filter', `label=${LABELS.session}=${session}`, '--format', '{{json .Labels}}'),
    ) as string;
    expect(labels).toContain(`${LABELS.managed}=1`);
    expect(labels).toContain(`${LABELS.instance}=${backend.id}`);
    expect(labels).toContain(`${LABELS.owner}=${ownerTag()}`);
  });
});

describe('container faults', () => {
  let backend: ContainerBackend;
  beforeEach(async () => {
    backend = new ContainerBackend({ image: IMAGE, memoryBytes: 64 * 1024 * 1024 });
    expectOk(await backend.initialize({}));
  });
  afterEach(() => backend.shutdown());

  it('ends a command lost when its container is killed, with a clear error, and reports the session', async () => {
    const s = expectOk(await backend.createSession());
    const closed = new Promise((resolve) => backend.once('session-closed', resolve));
    const running = backend.executeCommand(s.id, 'echo started; sleep 60');
    await until(async () => expectOk(await backend.capture(s.id)).includes('started'));
    docker('kill', docker('ps', '-q', '--filter', `label=${LABELS.session}=${s.id}`));
    const r = await running;
    expect(!r.ok && r.error).toMatchObject({ code: 'BACKEND_CRASHED', dispatched: true });
    if (!r.ok) expect(r.error.message).toMatch(/container was killed/);
    expect(await closed).toMatchObject({ sessionId: s.id, reason: 'crashed' });
    const after = await backend.executeCommand(s.id, 'true');
    expect(!after.ok && after.error.code).toBe('SESSION_NOT_FOUND');
  });

  it('reports a shell OOM-killed mid-command as lost, naming the memory limit', async () => {
    const s = expectOk(await backend.createSession());
    const r = await backend.executeCommand(s.id, 'x=$(head -c 300000000 /dev/zero | tr "\\0" x); echo never');
    expect(!r.ok && r.error).toMatchObject({ code: 'BACKEND_CRASHED', dispatched: true });
    if (!r.ok) expect(r.error.message).toMatch(/memory limit \(OOM\)|killed/);
  });

  it('removes containers an earlier crashed process of the same instance left behind', async () => {
    const engine = new EngineClient({
      endpoint: parseDockerHost('unix:///var/run/docker.sock')!,
      timeoutMs: 10_000,
      backendId: 't',
    });
    const labels = {
      [LABELS.managed]: '1',
      [LABELS.host]: hostname(),
      [LABELS.instance]: 'stable-instance',
      [LABELS.owner]: '999999999:1',
    };
    const leftover = expectOk(
      await engine.json<{ Id: string }>('POST', '/containers/create', {
        Image: IMAGE,
        Cmd: ['sleep', '600'],
        Labels: labels,
      }),
    );
    const other = expectOk(
      await engine.json<{ Id: string }>('POST', '/containers/create', {
        Image: IMAGE,
        Cmd: ['sleep', '600'],
        Labels: { ...labels, [LABELS.instance]: 'someone-alive', [LABELS.owner]: ownerTag() },
      }),
    );
    try {
      const restarted = new ContainerBackend({ id: 'stable-instance', image: IMAGE });
      expectOk(await restarted.initialize({}));
      await restarted.shutdown();
      expect(docker('ps', '-a', '-q', '--no-trunc', '--filter', `id=${leftover.Id}`)).toBe('');
      // A live process's containers stay.
      expect(docker('ps', '-a', '-q', '--no-trunc', '--filter', `id=${other.Id}`)).toBe(other.Id);
    } finally {
      await engine.json('DELETE', `/containers/${other.Id}?force=1`);
      engine.close();
    }
  });
});

describe('container backend when the engine goes away (through tcp://)', () => {
  const proxy = new EngineProxy();
  let backend: ITerminalBackend;
  beforeAll(async () => {
    await proxy.start();
    // A long request timeout: if a call waited for the engine instead of failing fast, the test would time out.
    backend = new ContainerBackend({
      image: IMAGE,
      host: `tcp://127.0.0.1:${proxy.port}`,
      requestTimeoutMs: 600_000,
    });
    expectOk(await backend.initialize({}));
  });
  afterAll(async () => {
    await backend.shutdown();
    await proxy.stop();
  });

  it('turns unhealthy, fails calls fast with UNAVAILABLE, and recovers when the engine is back', async () => {
    const s = expectOk(await backend.createSession());
    expect(expectOk(await backend.executeCommand(s.id, 'echo over-tcp')).output).toBe('over-tcp\n');
    const port = proxy.port;
    const unhealthy = new Promise((resolve) =>
      backend.on('health-changed', (e) => e.current.status === 'unhealthy' && resolve(e)),
    );
    await proxy.stop();
    await unhealthy;
    expect((await backend.getHealth()).status).toBe('unhealthy');
    const refused = await backend.createSession();
    expect(!refused.ok && refused.error.code).toBe('UNAVAILABLE');
    const gone = await backend.executeCommand(s.id, 'true');
    expect(!gone.ok && gone.error.code).toMatch(/UNAVAILABLE|SESSION_NOT_FOUND/);
    await proxy.start(port);
    expect(await until(async () => (await backend.getHealth()).status === 'healthy')).toBe(true);
    const again = expectOk(await backend.createSession());
    expect(expectOk(await backend.executeCommand(again.id, 'echo back')).output).toBe('back\n');
    // The container of the session lost meanwhile was removed once the engine answered again.
    expect(
      await until(() => docker('ps', '-a', '-q', '--filter', `label=${LABELS.session}=${s.id}`) === ''),
    ).toBe(true);
  });
});

describe('container plugin through the factory', () => {
  it('pings the engine for real', async () => {
    const factory = new BackendFactory({ plugins: [plugin] });
    expect(expectOk(await factory.checkPlatform('container'))).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/API 1\.\d+/),
    });
  });

  it('names a missing image and a missing engine', async () => {
    const factory = new BackendFactory({ plugins: [plugin] });
    const noImage = await factory.create('container', { image: 'vth-no-such-image:0' });
    expect(!noImage.ok && noImage.error.message).toMatch(/image "vth-no-such-image:0" is not on the engine/);
    const dir = mkdtempSync(join(tmpdir(), 'vth-noengine-'));
    try {
      const noEngine = await factory.create('container', { image: IMAGE, host: `unix://${dir}/docker.sock` });
      expect(!noEngine.ok && noEngine.error).toMatchObject({ code: 'UNAVAILABLE' });
      if (!noEngine.ok) expect(noEngine.error.message).toMatch(/no Docker Engine socket/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const noConfig = await factory.create('container', {});
    expect(!noConfig.ok && noConfig.error.message).toMatch(/config\.image/);
  });
});
