import { envSchema, LIMITS, terminalSizeSchema, commandLimitsShape } from '@vth/core';
import { z } from 'zod';

const ms = (def: number) => z.number().int().min(0).max(LIMITS.timeoutMs).default(def);
const path = z.string().min(1).max(4096).startsWith('/', 'must be an absolute path in the container');

/**
 * Configuration of the container backend. The secure defaults each close a way out of the sandbox (see the
 * README); loosen one only with a reason. Unknown fields are rejected.
 */
export const containerConfigSchema = z.strictObject({
  /** Instance id; containers left behind by an earlier process with the same id are removed at start. */
  id: z.string().min(1).max(128).optional(),
  /** The engine, as DOCKER_HOST: unix:///path (default /var/run/docker.sock or $DOCKER_HOST), tcp://, ssh://. */
  host: z.string().min(1).optional(),
  /** TLS for tcp:// (DOCKER_TLS_VERIFY / DOCKER_CERT_PATH when not given). */
  tlsVerify: z.boolean().optional(),
  certPath: z.string().min(1).optional(),
  /** The image of every session; it must hold the shell. */
  image: z.string({ error: 'is required: the image sessions run in' }).min(1),
  /** The shell inside the container. */
  shell: path.default('/bin/bash'),
  shellArgs: z.array(z.string()).optional(),
  /** Working directory, a writable tmpfs (the root filesystem is read-only by default). */
  workdir: path.default('/workspace'),
  env: envSchema.default({}),
  /** User to run as: non-root by default (nobody); "" runs as the image's user (often root). */
  user: z.string().max(64).default('65534:65534'),
  /** Extra labels on every container (vth's own `vth.*` labels always apply). */
  labels: z.record(z.string().min(1).max(128), z.string().max(1024)).default({}),
  /** Network mode: none (default: no network at all), or a network name the engine knows. */
  network: z.string().min(1).default('none'),
  /** Linux capabilities: all dropped by default. */
  capAdd: z.array(z.string().regex(/^[A-Z_]+$/)).default([]),
  /** Refuse setuid/setgid gains (no-new-privileges). */
  noNewPrivileges: z.boolean().default(true),
  /** Read-only root filesystem; the workdir and /tmp are writable tmpfs mounts. */
  readOnlyRootfs: z.boolean().default(true),
  /** Size of each tmpfs mount (workdir, /tmp). */
  tmpfsBytes: z
    .number()
    .int()
    .min(1024 * 1024)
    .default(256 * 1024 * 1024),
  /** Memory limit (swap included): a process beyond it is OOM-killed (exit 137). */
  memoryBytes: z
    .number()
    .int()
    .min(6 * 1024 * 1024)
    .default(512 * 1024 * 1024),
  /** CPU limit, in CPUs. */
  cpus: z.number().positive().max(1024).default(1),
  /** Process limit: a fork bomb stops here. */
  pidsLimit: z.number().int().min(8).max(1_000_000).default(256),
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
});

export type ContainerConfig = z.output<typeof containerConfigSchema>;
export type ContainerConfigInput = z.input<typeof containerConfigSchema>;
