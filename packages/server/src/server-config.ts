import { isLoopbackHost, securityOptionsSchema } from '@vth/security';
import { z } from 'zod';

const ms = (what: string) =>
  z
    .number({ error: `must be a number of milliseconds (${what})` })
    .int('must be a whole number of milliseconds')
    .positive('must be positive')
    .max(2_147_483_647, 'must be at most 2147483647');

const bytes = (min: number, max: number) =>
  z
    .number({ error: 'must be a number of bytes' })
    .int('must be a whole number of bytes')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

const count = (min: number, max: number) =>
  z.number({ error: 'must be a number' }).int('must be a whole number').min(min).max(max);

const tokenEntrySchema = z.strictObject({
  /** Names the token in logs and audit records (not secret). */
  id: z.string().min(1).max(128),
  /** The user the token speaks for: `ExecutionContext.userId` of its calls, owner of its sessions. */
  userId: z.string().min(1).max(256),
  role: z.enum(['user', 'admin']).default('user'),
  /** Hex SHA-256 of the token (`vth token` prints one); the token itself is never stored. */
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits (a SHA-256)'),
});

/** An origin as a browser sends it: scheme, host and port, nothing else. */
const originSchema = z
  .string()
  .regex(/^https?:\/\/[^/\s]+$/, 'must be an origin like "https://dash.example.com" (no path)');

/**
 * The server's settings (JSON: `vth.config.json` under `server`). Strict: a misspelt key is an error.
 * Every key has a default; `{}` serves on 127.0.0.1:7700 to local clients without tokens.
 */
export const serverConfigSchema = z
  .strictObject({
    /** Interface to bind. Anything but a loopback address requires `auth.tokens`. */
    host: z.string().min(1).max(255).default('127.0.0.1'),
    /** 0 picks a free port (see `VthServer.address`). */
    port: count(0, 65_535).default(7700),
    /** HTTPS and WSS with this certificate (PEM files). */
    tls: z
      .strictObject({
        certFile: z.string().min(1),
        keyFile: z.string().min(1),
      })
      .optional(),
    auth: z
      .strictObject({
        /** Bearer tokens (`Authorization: Bearer <token>`), stored as SHA-256 hashes. */
        tokens: z.array(tokenEntrySchema).max(10_000).default([]),
        /**
         * Let peers on the loopback interface in without a token, as user `local` with the admin role.
         * Default: on when no token is configured, off otherwise. Anyone with a shell on this machine can
         * reach 127.0.0.1: turn it off on a shared machine, and behind a reverse proxy on the same host.
         */
        anonymousLoopback: z.boolean().optional(),
        /** Key of the signed attach tokens (at least 32 characters); random per process when absent. */
        attachTokenSecret: z.string().min(32, 'must be at least 32 characters').optional(),
        /** Lifetime of an attach token, and the longest a client may ask for. */
        attachTokenTtlMs: ms('attach token lifetime')
          .max(24 * 3600 * 1000)
          .default(60_000),
        /** Browser origins allowed besides the server's own (a request's Origin must be one of them). */
        allowedOrigins: z.array(originSchema).max(256).default([]),
        /** Host header values accepted besides loopback names and the bound host (DNS-rebinding defence). */
        allowedHosts: z.array(z.string().min(1).max(255)).max(256).default([]),
      })
      .prefault({}),
    heartbeat: z
      .strictObject({
        /** The server pings every connection this often. */
        intervalMs: ms('ping interval').min(100).default(5_000),
        /** A connection silent (no pong, no message) this long is dropped as dead. */
        timeoutMs: ms('dead-peer timeout').min(200).default(20_000),
      })
      .prefault({}),
    flow: z
      .strictObject({
        /** Unacknowledged bytes on a channel at which the server stops sending to it. */
        highWatermark: bytes(4096, 256 * 1024 * 1024).default(1024 * 1024),
        /** ... and below which it sends again (a slow writer's pty is resumed, a slow viewer gets a fresh snapshot). */
        lowWatermark: bytes(1024, 256 * 1024 * 1024).default(256 * 1024),
      })
      .prefault({}),
    ring: z
      .strictObject({
        /** Output kept per session pane for replay; older bytes are served as a snapshot instead. */
        bytes: bytes(64 * 1024, 1024 * 1024 * 1024).default(4 * 1024 * 1024),
      })
      .prefault({}),
    sessions: z
      .strictObject({
        /**
         * A session created through the server with no attachment and no request for this long is
         * destroyed; `null`: never.
         */
        unattachedGraceMs: ms('unattached grace').nullable().default(600_000),
        /** Terminal size of sessions created without one. */
        cols: count(1, 4096).default(120),
        rows: count(1, 4096).default(30),
        /** Live sessions one user may own. */
        maxPerUser: count(1, 100_000).default(64),
        /** Recent mutating requests remembered per session (and per user for calls without one). */
        requestsRemembered: count(1, 100_000).default(64),
      })
      .prefault({}),
    limits: z
      .strictObject({
        /** Larger messages get a `TOO_LARGE` error; beyond 4x, the connection is closed (1009). */
        maxMessageBytes: bytes(1024, 64 * 1024 * 1024).default(1024 * 1024),
        /** Bytes per output frame. */
        maxFrameBytes: bytes(1024, 16 * 1024 * 1024).default(64 * 1024),
        maxConnections: count(1, 1_000_000).default(4096),
        maxConnectionsPerUser: count(1, 1_000_000).default(512),
        maxAttachmentsPerConnection: count(1, 100_000).default(64),
        /** Malformed, oversized or refused messages a connection may send before it is closed (4009). */
        maxProtocolErrors: count(1, 1_000_000).default(20),
        /** Typed input queued for a session and not yet written, per channel. */
        maxQueuedInputBytes: bytes(1024, 64 * 1024 * 1024).default(1024 * 1024),
      })
      .prefault({}),
    events: z
      .strictObject({
        /** Events kept for subscribers that resume with `since`. */
        backlog: count(0, 1_000_000).default(1000),
        /** How often the `metrics` topic gets a snapshot. */
        metricsIntervalMs: ms('metrics interval').min(100).default(5_000),
      })
      .prefault({}),
    /**
     * Rate limits (per user: the token's), audit log and input checks of `@vth/security`, in front of every
     * call the server makes (see its README for each key). Admin changes are audited to `audit.file` too.
     */
    security: securityOptionsSchema.optional(),
    metrics: z
      .strictObject({
        /** Serve `/metrics` without auth (it shows backend ids and figures, no user data). */
        public: z.boolean().default(false),
        /** Add prom-client's process metrics (CPU, memory, event loop lag). */
        processMetrics: z.boolean().default(true),
      })
      .prefault({}),
  })
  .superRefine((c, ctx) => {
    if (c.heartbeat.timeoutMs <= c.heartbeat.intervalMs)
      ctx.addIssue({
        code: 'custom',
        path: ['heartbeat', 'timeoutMs'],
        message: 'must be longer than intervalMs',
      });
    if (c.flow.lowWatermark >= c.flow.highWatermark)
      ctx.addIssue({
        code: 'custom',
        path: ['flow', 'lowWatermark'],
        message: 'must be below highWatermark',
      });
    if (!isLoopbackHost(c.host) && c.auth.tokens.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['auth', 'tokens'],
        message: `serving on ${c.host} (not loopback) needs at least one token: off localhost nothing works without auth`,
      });
  });

/** The settings after parsing, every default filled in: what the server runs with. */
export type ServerConfig = z.output<typeof serverConfigSchema>;
/** What a caller may pass as `CreateServerOptions.config` (every field optional). */
export type ServerConfigInput = z.input<typeof serverConfigSchema>;
/** One bearer token as configured (`auth.tokens`): its hash, never the token; `role` defaults to `user`. */
export type TokenEntryInput = z.input<typeof tokenEntrySchema>;
