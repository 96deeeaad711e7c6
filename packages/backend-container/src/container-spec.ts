import { type SessionProfile } from '@vth/core';
import { profileEnvironment } from '@vth/shell-integration';
import { type ContainerConfig } from './config';

/** Labels that mark what vth created, so nothing it leaves behind is ever lost track of. */
export const LABELS = {
  managed: 'vth.managed',
  instance: 'vth.instance',
  session: 'vth.session',
  host: 'vth.host',
  owner: 'vth.owner',
} as const;

export interface SessionSpec {
  sessionId: string;
  cwd?: string;
  env?: Record<string, string>;
  /** The environment profile; the config's when absent. */
  profile?: SessionProfile;
  labels?: Record<string, string>;
  /** The image as inspected for this session: its id (what runs is what was inspected) and VOLUME paths. */
  image?: { id: string; volumes: readonly string[] };
}

/** The shell's environment: the container's basics, the profile's variables, then the config's and the session's own. */
export function sessionEnvironment(config: ContainerConfig, spec: SessionSpec): Record<string, string> {
  return {
    TERM: config.term,
    LANG: 'C.UTF-8',
    HOME: config.home,
    ...profileEnvironment(spec.profile ?? config.profile),
    ...config.env,
    ...spec.env,
  };
}

/**
 * The `POST /containers/create` body of a session: a tty and an open stdin for the interactive shell,
 * `--init` (tini as PID 1 reaps zombies and forwards signals), and the sandbox the config describes (by
 * default no network, no capabilities, no new privileges, a read-only root with tmpfs work and temp dirs,
 * memory (no extra swap), CPU and process limits, a non-root user); always private IPC and cgroup
 * namespaces, no core dumps, no engine-side log of the session's output (the engine's disk) and the image's
 * healthcheck off; the image's VOLUMEs as bounded tmpfs mounts unless `unsafe: ['image-volumes']`.
 * Whatever the config does not set is set here anyway, so an engine's own defaults cannot loosen it. The
 * containers carry vth's `LABELS` (with `owner`'s instance, host and owner tag), by which `removeLeftovers`
 * finds them again; `shellArgs` follow `config.shell` as the container's command.
 */
export function containerCreateBody(
  config: ContainerConfig,
  spec: SessionSpec,
  owner: { instance: string; host: string; owner: string },
  shellArgs: readonly string[],
): Record<string, unknown> {
  const env = sessionEnvironment(config, spec);
  const base = `rw,exec,nosuid,nodev,size=${config.tmpfsBytes}`;
  const tmpfs = `${base},mode=1777`;
  const mounts: Record<string, string> = {};
  // Docker makes an image VOLUME an anonymous volume on its own disk, unbounded and writable even with a
  // read-only root; a tmpfs at the same path takes its place.
  if (!config.unsafe.includes('image-volumes')) for (const v of spec.image?.volumes ?? []) mounts[v] = tmpfs;
  Object.assign(mounts, {
    [config.workdir]: tmpfs,
    '/tmp': tmpfs,
    [config.home]: `${base},${homeOwner(config.user)}`,
  });
  return {
    Image: spec.image?.id ?? config.image,
    Cmd: [config.shell, ...shellArgs],
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    WorkingDir: spec.cwd ?? config.workdir,
    ...(config.user ? { User: config.user } : {}),
    Tty: true,
    OpenStdin: true,
    StdinOnce: false,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    // An image's healthcheck would run its own commands in the session's container, on its own schedule.
    Healthcheck: { Test: ['NONE'] },
    Labels: {
      ...config.labels,
      ...spec.labels,
      [LABELS.managed]: '1',
      [LABELS.instance]: owner.instance,
      [LABELS.session]: spec.sessionId,
      [LABELS.host]: owner.host,
      [LABELS.owner]: owner.owner,
    },
    HostConfig: {
      Init: true,
      Privileged: false,
      NetworkMode: config.network,
      IpcMode: 'private',
      CgroupnsMode: 'private',
      CapDrop: ['ALL'],
      CapAdd: config.capAdd,
      SecurityOpt: config.noNewPrivileges ? ['no-new-privileges'] : [],
      ReadonlyRootfs: config.readOnlyRootfs,
      Tmpfs: mounts,
      ShmSize: config.shmBytes,
      Memory: config.memoryBytes,
      MemorySwap: config.memoryBytes,
      NanoCpus: Math.round(config.cpus * 1e9),
      PidsLimit: config.pidsLimit,
      // No core files: a crash must not copy the session's memory into a file.
      Ulimits: [{ Name: 'core', Soft: 0, Hard: 0 }],
      // The output is read over attach; a log driver would copy all of it to the engine's disk, unbounded.
      LogConfig: { Type: 'none', Config: {} },
      RestartPolicy: { Name: 'no' },
    },
  };
}

/**
 * The home belongs to the session's user: `uid:gid` known here gets a private home; a user the image
 * resolves (a name, a uid alone, the image's own) gets one open to all and sticky, as /tmp is.
 */
function homeOwner(user: string): string {
  const ids = /^([0-9]+):([0-9]+)$/.exec(user);
  return ids ? `uid=${ids[1]},gid=${ids[2]},mode=0700` : 'mode=1777';
}
