import { envSchema, LIMITS, terminalSizeSchema, sessionProfileSchema } from '@vth/core';
import { commandLimitsShape } from '@vth/core/kit';
import { z } from 'zod';
import {
  NETWORK_MODE,
  sandboxWeakenings,
  UNSAFE_OPT_INS,
  USER_SPEC,
  type UnsafeOptIn,
} from './sandbox-policy';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const ms = (def: number) => z.number().int().min(0).max(LIMITS.timeoutMs).default(def);
const path = z.string().min(1).max(4096).startsWith('/', 'must be an absolute path in the container');
/** A directory vth mounts a tmpfs on: a plain absolute path, not the root and not the kernel's own trees. */
const mountPath = path
  .regex(/^(\/[^/\0:,]+)+$/, 'must be a plain absolute path (no "//", trailing "/", ":" or ",")')
  .refine((p) => !p.split('/').some((part) => part === '.' || part === '..'), 'must not hold "." or ".."')
  .refine((p) => !/^\/(proc|sys|dev)(\/|$)/.test(p), 'must not be under /proc, /sys or /dev');
/** `[registry[:port]/]name[:tag][@digest]` or an image id: what the engine takes as an image reference. */
const IMAGE_REFERENCE =
  /^(?:sha256:[a-f0-9]{64}|(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?)$/;
const bytes = (min: number, max: number, def: number, what: string) =>
  z
    .number()
    .int()
    .min(min)
    .max(max, `at most ${max / GiB} GiB (${what})`)
    .default(def);

/**
 * Configuration of the container backend. The secure defaults each close a way out of the sandbox (see the
 * README); loosen one only with a reason. Unknown fields are rejected.
 */
export const containerConfigSchema = z
  .strictObject({
    /** Instance id; containers left behind by an earlier process with the same id are removed at start. */
    id: z.string().min(1).max(128).optional(),
    /**
     * The engine, as DOCKER_HOST: unix:///path, tcp://, ssh://. Default: found as the docker CLI finds it,
     * then the usual sockets (see `locateEngine`).
     */
    host: z.string().min(1).optional(),
    /** TLS for tcp:// (DOCKER_TLS_VERIFY / DOCKER_CERT_PATH when not given). */
    tlsVerify: z.boolean().optional(),
    certPath: z.string().min(1).optional(),
    /** The image of every session; it must hold the shell. */
    image: z
      .string({ error: 'is required: the image sessions run in' })
      .min(1)
      .max(512)
      .regex(IMAGE_REFERENCE, 'must be an image reference ([registry/]name[:tag][@digest]) or id'),
    /** The shell inside the container. */
    shell: path.default('/bin/bash'),
    shellArgs: z.array(z.string()).optional(),
    /** Working directory, a writable tmpfs (the root filesystem is read-only by default). */
    workdir: mountPath.default('/workspace'),
    /**
     * The session's home (`HOME`), a writable tmpfs owned by the session's `uid:gid` (open to all, sticky, when
     * the image decides the user): tools that write there (git, npm, pip) work with a read-only root.
     */
    home: mountPath.default('/home/vth'),
    env: envSchema.default({}),
    /**
     * The environment profile of sessions that do not choose one (`createSession({ profile })`): `program`
     * (pagers off, no prompts: see @vth/shell-integration's `PROGRAM_PROFILE_ENV`) or `terminal` (plain).
     */
    profile: sessionProfileSchema.default('program'),
    /**
     * User to run as, `uid:gid`: non-root by default (nobody). Root (`unsafe: ['root-user']`), and `""`, a
     * name or a uid alone, whose uid or group the image decides (`unsafe: ['image-user']`), need an opt-in.
     */
    user: z
      .string()
      .max(64)
      .regex(USER_SPEC, 'must be "uid:gid", "uid", "name[:group]" or ""')
      .default('65534:65534'),
    /** Extra labels on every container (vth's own `vth.*` labels always apply). */
    labels: z.record(z.string().min(1).max(128), z.string().max(1024)).default({}),
    /**
     * Network mode: `none` (default: no network at all); a network name (`unsafe: ['network']`), `host`
     * (`unsafe: ['host-network']`) or `container:<name>` (`unsafe: ['container-network']`).
     */
    network: z
      .string()
      .max(256)
      .regex(NETWORK_MODE, 'must be "none", "host", "container:<name>" or a network name')
      .default('none'),
    /** Linux capabilities given back (`unsafe: ['capabilities']`): all are dropped by default. */
    capAdd: z
      .array(z.string().regex(/^(CAP_)?[A-Z_]+$/, 'must be a capability name (NET_RAW, ...)'))
      .max(64)
      .default([]),
    /** Refuse setuid/setgid gains (no-new-privileges). */
    noNewPrivileges: z.boolean().default(true),
    /** Read-only root filesystem; the workdir and /tmp are writable tmpfs mounts. */
    readOnlyRootfs: z.boolean().default(true),
    /** Size of each tmpfs mount (workdir, /tmp, and the image's VOLUME paths). */
    tmpfsBytes: bytes(MiB, 16 * GiB, 256 * MiB, 'per tmpfs mount'),
    /** Size of /dev/shm (a tmpfs: nosuid, nodev, noexec, in a private IPC namespace). */
    shmBytes: bytes(MiB, 16 * GiB, 64 * MiB, 'of /dev/shm'),
    /**
     * Memory limit (swap included): a process beyond it is OOM-killed (exit 137). At most 64 GiB, and at
     * most what the engine's host has (checked at initialize).
     */
    memoryBytes: bytes(6 * MiB, 64 * GiB, 512 * MiB, 'per session'),
    /** CPU limit, in CPUs: at most 64, and at most the engine's host has (checked at initialize). */
    cpus: z.number().min(0.01).max(64).default(1),
    /** Process limit: a fork bomb stops here. */
    pidsLimit: z.number().int().min(8).max(32_768).default(256),
    /**
     * The named opt-ins that weaken the sandbox (see `UNSAFE_OPT_INS`); each setting that weakens it is
     * refused without its opt-in. They show in `getHealth().details.unsafe`.
     */
    unsafe: z
      .array(z.enum(Object.keys(UNSAFE_OPT_INS) as [UnsafeOptIn, ...UnsafeOptIn[]]))
      .max(32)
      .default([]),
    term: z.string().min(1).default('xterm-256color'),
    cols: terminalSizeSchema.default(120),
    rows: terminalSizeSchema.default(30),
    maxSessions: z.number().int().min(1).max(10_000).default(64),
    ...commandLimitsShape,
    /** One Engine API call. */
    requestTimeoutMs: ms(30_000),
    /** Container start to the shell's first mark. */
    readyTimeoutMs: ms(30_000),
    interruptGraceMs: ms(1000),
    killGraceMs: ms(500),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.home === cfg.workdir || cfg.home === '/tmp') {
      ctx.addIssue({
        code: 'custom',
        path: ['home'],
        message: 'must be a directory of its own (not the work dir or /tmp)',
      });
    }
    for (const w of sandboxWeakenings(cfg)) {
      if (cfg.unsafe.includes(w.optIn)) continue;
      ctx.addIssue({
        code: 'custom',
        path: [w.path],
        message: `${w.what}; add '${w.optIn}' to config.unsafe to allow it`,
      });
    }
  });

/** The configuration after parsing, every default filled in: what the backend runs with. */
export type ContainerConfig = z.output<typeof containerConfigSchema>;
/** What a caller may pass (to the constructor, `initialize` or the plugin): every field but `image` has a default. */
export type ContainerConfigInput = z.input<typeof containerConfigSchema>;
