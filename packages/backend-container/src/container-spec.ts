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
  labels?: Record<string, string>;
}

/**
 * The `POST /containers/create` body of a session: a tty and an open stdin for the interactive shell,
 * `--init` (tini as PID 1 reaps zombies and forwards signals), and the sandbox: no network, no capabilities,
 * no new privileges, a read-only root with tmpfs work and temp dirs, memory (no extra swap), CPU and process
 * limits, a non-root user.
 */
export function containerCreateBody(
  config: ContainerConfig,
  spec: SessionSpec,
  owner: { instance: string; host: string; owner: string },
  shellArgs: readonly string[],
): Record<string, unknown> {
  const env = { TERM: config.term, LANG: 'C.UTF-8', ...config.env, ...spec.env };
  const tmpfs = `rw,exec,nosuid,nodev,size=${config.tmpfsBytes},mode=1777`;
  return {
    Image: config.image,
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
      NetworkMode: config.network,
      CapDrop: ['ALL'],
      CapAdd: config.capAdd,
      SecurityOpt: config.noNewPrivileges ? ['no-new-privileges'] : [],
      ReadonlyRootfs: config.readOnlyRootfs,
      Tmpfs: { [config.workdir]: tmpfs, '/tmp': tmpfs },
      Memory: config.memoryBytes,
      MemorySwap: config.memoryBytes,
      NanoCpus: Math.round(config.cpus * 1e9),
      PidsLimit: config.pidsLimit,
    },
  };
}
