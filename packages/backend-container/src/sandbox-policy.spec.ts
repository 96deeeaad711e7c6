import { type ContainerConfigInput } from './config';
import { BackendFactory } from '@vth/factory';
import { expectOk } from '@vth/testkit';
import { docker, dockerTry, IMAGE } from '../test/docker-cli';
import { ContainerBackend } from './container-backend';
import { LABELS } from './container-spec';
import { EngineClient } from './engine-client';
import { parseDockerHost } from './engine-endpoint';
import { plugin } from './plugin';

jest.setTimeout(60_000);

const GiB = 2 ** 30;

async function initialize(config: Partial<ContainerConfigInput>) {
  const backend = new ContainerBackend({ image: IMAGE, ...config });
  const r = await backend.initialize({});
  await backend.shutdown();
  return r;
}

describe('settings that weaken the sandbox need a named opt-in', () => {
  it.each<[string, Partial<ContainerConfigInput>, string, string]>([
    ["host's network", { network: 'host' }, 'network', 'host-network'],
    ["another container's network", { network: 'container:vth-other' }, 'network', 'container-network'],
    ['a network at all', { network: 'bridge' }, 'network', 'network'],
    ['capabilities', { capAdd: ['NET_RAW'] }, 'capAdd', 'capabilities'],
    ['root', { user: '0:0' }, 'user', 'root-user'],
    ['root by name', { user: 'root' }, 'user', 'root-user'],
    ['the root group', { user: '1000:0' }, 'user', 'root-user'],
    ["the image's user", { user: '' }, 'user', 'image-user'],
    ['a user name the image resolves', { user: 'nobody' }, 'user', 'image-user'],
    ['a uid whose group the image decides', { user: '1000' }, 'user', 'image-user'],
    ['setuid gains', { noNewPrivileges: false }, 'noNewPrivileges', 'new-privileges'],
    ['a writable root', { readOnlyRootfs: false }, 'readOnlyRootfs', 'writable-rootfs'],
  ])('refuses %s without it, naming the setting and the opt-in', async (_what, config, path, optIn) => {
    const r = await initialize(config);
    expect(!r.ok && r.error.code).toBe('INVALID_CONFIG');
    if (!r.ok) expect(r.error.message).toContain(`config.${path}: `);
    if (!r.ok) expect(r.error.message).toContain(`add '${optIn}' to config.unsafe`);
    // With it, the setting is accepted (the engine is asked, so the network name must exist there).
    if (optIn !== 'container-network' && optIn !== 'network') {
      expectOk(await initialize({ ...config, unsafe: [optIn as never] }));
    }
  });

  it('refuses the same through the factory (the plugin schema)', async () => {
    const r = await new BackendFactory({ plugins: [plugin] }).create('container', {
      image: IMAGE,
      user: '0:0',
    });
    expect(!r.ok && r.error.code).toBe('INVALID_CONFIG');
    if (!r.ok) expect(r.error.message).toMatch(/user.*'root-user'/);
  });

  it.each<[string, Partial<ContainerConfigInput>, string]>([
    ['a network mode vth does not know (a namespace path)', { network: 'ns:/proc/1/ns/net' }, 'network'],
    ['1 TB of memory', { memoryBytes: 2 ** 40 }, 'memoryBytes'],
    ['1000 CPUs', { cpus: 1000 }, 'cpus'],
    ['ten million processes', { pidsLimit: 10_000_000 }, 'pidsLimit'],
    ['a 1 TB tmpfs', { tmpfsBytes: 2 ** 40 }, 'tmpfsBytes'],
    ['a 1 TB /dev/shm', { shmBytes: 2 ** 40 }, 'shmBytes'],
    ['a workdir over /proc', { workdir: '/proc/sys' }, 'workdir'],
    ['a workdir with ".."', { workdir: '/workspace/../etc' }, 'workdir'],
    ['an image that is no image reference', { image: 'local/x --privileged' }, 'image'],
  ])('refuses %s, whatever the opt-ins', async (_what, config, path) => {
    const r = await initialize({ ...config, unsafe: ['network', 'host-network', 'capabilities'] });
    expect(!r.ok && r.error.code).toBe('INVALID_CONFIG');
    if (!r.ok) expect(r.error.message).toContain(`config.${path}: `);
  });

  it("refuses more memory or CPUs than the engine's host has", async () => {
    const engine = new EngineClient({
      endpoint: parseDockerHost('unix:///var/run/docker.sock')!,
      timeoutMs: 10_000,
      backendId: 't',
    });
    const info = expectOk(await engine.json<{ MemTotal: number; NCPU: number }>('GET', '/info'));
    engine.close();
    if (info.MemTotal + GiB <= 64 * GiB) {
      const r = await initialize({ memoryBytes: info.MemTotal + GiB });
      expect(!r.ok && r.error.code).toBe('INVALID_CONFIG');
      if (!r.ok) expect(r.error.message).toMatch(/config\.memoryBytes: .* more than the engine's host has/);
    }
    const r = await initialize({ cpus: info.NCPU + 1 });
    expect(!r.ok && r.error.code).toBe('INVALID_CONFIG');
    if (!r.ok) expect(r.error.message).toMatch(/config\.cpus: .* more than the engine's host has/);
  });

  it('applies the opt-ins for real and shows them in health details', async () => {
    const unsafe = [
      'writable-rootfs',
      'root-user',
      'host-network',
      'capabilities',
      'new-privileges',
    ] as const;
    const backend = new ContainerBackend({
      image: IMAGE,
      network: 'host',
      user: '0:0',
      capAdd: ['NET_RAW'],
      noNewPrivileges: false,
      readOnlyRootfs: false,
      unsafe: [...unsafe],
    });
    try {
      expectOk(await backend.initialize({}));
      const s = expectOk(await backend.createSession());
      const run = async (c: string) => expectOk(await backend.executeCommand(s.id, c)).output;
      expect(await run('id -u')).toBe('0\n');
      expect(await run('ls /sys/class/net')).not.toBe('lo\n');
      expect(await run("grep -E '^(CapEff|NoNewPrivs)' /proc/self/status")).toBe(
        'CapEff:\t0000000000002000\nNoNewPrivs:\t0\n',
      );
      expect(await run('touch /etc/vth-x && echo written')).toBe('written\n');
      expect((await backend.getHealth()).details?.['unsafe']).toEqual([...unsafe].sort());
    } finally {
      await backend.shutdown();
    }
  });

  it('shows no opt-in when there is none', async () => {
    const backend = new ContainerBackend({ image: IMAGE });
    try {
      expectOk(await backend.initialize({}));
      expect((await backend.getHealth()).details?.['unsafe']).toEqual([]);
    } finally {
      await backend.shutdown();
    }
  });
});

describe("the sandbox closes what the engine's defaults leave open", () => {
  /** An image derived from the test image with `changes` (Dockerfile lines), removed after the tests. */
  const derived: string[] = [];
  function deriveImage(name: string, ...changes: string[]): string {
    const tag = `local/vth-test-${name}:${process.pid}`;
    const base = docker('create', IMAGE, 'true');
    try {
      docker('commit', ...changes.flatMap((c) => ['--change', c]), base, tag);
    } finally {
      docker('rm', base);
    }
    derived.push(tag);
    return tag;
  }
  afterAll(() => {
    for (const tag of derived) dockerTry('rmi', '-f', tag);
  });

  const containerOf = (sessionId: string) =>
    docker('ps', '-q', '--no-trunc', '--filter', `label=${LABELS.session}=${sessionId}`);

  async function withSession<T>(
    config: Partial<ContainerConfigInput>,
    body: (run: (c: string) => Promise<string>, container: string) => Promise<T>,
  ): Promise<T> {
    const backend = new ContainerBackend({ image: IMAGE, ...config });
    try {
      expectOk(await backend.initialize({}));
      const s = expectOk(await backend.createSession());
      return await body(
        async (c) => expectOk(await backend.executeCommand(s.id, c)).output,
        containerOf(s.id),
      );
    } finally {
      await backend.shutdown();
    }
  }

  it("keeps the session's output out of the engine's log (its disk)", async () => {
    await withSession({}, async (run, container) => {
      expect(await run('echo vth-log-marker-$((6*7))')).toBe('vth-log-marker-42\n');
      expect(docker('inspect', '-f', '{{.HostConfig.LogConfig.Type}}', container)).toBe('none');
      expect(dockerTry('logs', container).text).not.toContain('vth-log-marker-42');
    });
  });

  it("mounts a bounded tmpfs over an image's VOLUME instead of a volume on the engine's disk", async () => {
    const image = deriveImage('volume', 'VOLUME /data');
    await withSession({ image, tmpfsBytes: 8 * 2 ** 20 }, async (run, container) => {
      expect(await run("grep ' /data ' /proc/mounts | cut -d' ' -f1,3")).toBe('tmpfs tmpfs\n');
      expect(await run('df -k /data | tail -1 | tr -s " " | cut -d" " -f2')).toBe('8192\n');
      expect(docker('inspect', '-f', '{{json .Mounts}}', container)).toBe('[]');
    });
  });

  it("keeps an image's VOLUME as a volume with 'image-volumes', and removes it with the session", async () => {
    const image = deriveImage('volume2', 'VOLUME /data');
    const volume = await withSession({ image, unsafe: ['image-volumes'] }, async (run, container) => {
      expect(await run("grep ' /data ' /proc/mounts | cut -d' ' -f3")).not.toBe('tmpfs\n');
      return docker('inspect', '-f', '{{range .Mounts}}{{.Type}} {{.Name}}{{end}}', container);
    });
    expect(volume).toMatch(/^volume \w+$/);
    expect(dockerTry('volume', 'inspect', volume.split(' ')[1]!).ok).toBe(false);
  });

  it("turns an image's healthcheck off", async () => {
    const image = deriveImage('health', 'HEALTHCHECK --interval=1s CMD true');
    await withSession({ image }, async (_run, container) => {
      expect(
        docker('inspect', '-f', '{{json .Config.Healthcheck.Test}} {{json .State.Health}}', container),
      ).toBe('["NONE"] null');
    });
  });

  it('has a private cgroup namespace, no core dumps, and a private, bounded, noexec /dev/shm', async () => {
    await withSession({ shmBytes: 8 * 2 ** 20 }, async (run, container) => {
      expect(await run('cat /proc/self/cgroup')).not.toMatch(/docker|[0-9a-f]{64}/);
      expect(await run('ulimit -Hc; ulimit -c')).toBe('0\n0\n');
      expect(await run("grep ' /dev/shm ' /proc/mounts | cut -d' ' -f4")).toMatch(
        /^rw,nosuid,nodev,noexec,relatime,size=8192k\n$/,
      );
      expect(docker('inspect', '-f', '{{.HostConfig.IpcMode}} {{.HostConfig.Privileged}}', container)).toBe(
        'private false',
      );
    });
  });
});
