import { z } from 'zod';

const ms = (def: number, min = 1) => z.number().int().min(min).max(2_147_483_647).default(def);

/**
 * Configuration of the remote backend. Every field but `url` has a default; unknown fields are rejected so
 * a typo is an `INVALID_CONFIG`, not a silently ignored setting.
 */
export const remoteConfigSchema = z.strictObject({
  /** Instance id (generated when absent). */
  id: z.string().min(1).max(128).optional(),
  /**
   * The `vth serve` to use: `ws://`, `wss://`, `http://` or `https://` host and port; a URL without a path
   * gets `/v1/ws`.
   */
  url: z
    .string()
    .min(1)
    .refine((u) => /^(wss?|https?):\/\/[^/]/i.test(u), 'must be a ws://, wss://, http:// or https:// URL'),
  /** A bearer token of the server (`vth token`); without one, only a loopback server's anonymous admin. */
  token: z.string().min(1).max(4096).optional(),
  tls: z
    .strictObject({
      /** PEM of the CA (or self-signed certificate) to trust, instead of the system's. */
      ca: z.string().min(1).optional(),
      /** A file holding that PEM (read at `initialize`). */
      caFile: z.string().min(1).optional(),
      /** Check the server's certificate. Turning this off is an explicit, unsafe opt-in. */
      rejectUnauthorized: z.boolean().default(true),
      /** The name the certificate must carry, when it is not the URL's host. */
      servername: z.string().min(1).optional(),
    })
    .default({ rejectUnauthorized: true }),
  reconnect: z
    .strictObject({
      /** The first wait before a reconnect; each next one doubles, up to `maxDelayMs` (full jitter). */
      initialDelayMs: ms(50),
      maxDelayMs: ms(2000),
    })
    .default({ initialDelayMs: 50, maxDelayMs: 2000 }),
  heartbeat: z
    .strictObject({
      /** A WebSocket ping this often. */
      intervalMs: ms(200, 10),
      /** Nothing heard for this long: the connection is dead (also a half-open one), reconnect. */
      timeoutMs: ms(600, 10),
    })
    .default({ intervalMs: 200, timeoutMs: 600 }),
  /**
   * How long the server may stay unreachable before its sessions count as lost (`session-closed` with
   * reason `crashed`, calls in flight `BACKEND_CRASHED`, health `unhealthy`). Calls wait meanwhile.
   */
  graceMs: ms(5000, 0),
  /**
   * A refused connection (nothing listens on the port: the server process is gone, and its sessions with
   * it) ends the sessions at once instead of after `graceMs`.
   */
  endOnRefused: z.boolean().default(true),
  /** How long `initialize` tries to reach the server. */
  connectTimeoutMs: ms(10_000),
  /** How long shutdown waits for the server to destroy the sessions this backend created. */
  shutdownTimeoutMs: ms(5000),
  /** Sessions beyond this are refused with `BUSY` (the server has its own per-user limit too). */
  maxSessions: z.number().int().min(1).max(100_000).default(64),
  /** The largest command and `sendInput` data; the server's `limits.maxMessageBytes` bounds it as well. */
  maxCommandBytes: z
    .number()
    .int()
    .min(1)
    .max(1024 * 1024)
    .default(1024 * 1024),
});

/** The configuration after parsing, every default filled in: what the backend runs with. */
export type RemoteConfig = z.output<typeof remoteConfigSchema>;
/** What a caller may pass (only `url` is required). */
export type RemoteConfigInput = z.input<typeof remoteConfigSchema>;

/** The WebSocket URL of a configured server URL. */
export function socketUrl(url: string): string {
  const u = new URL(url.replace(/^http/i, 'ws'));
  if (u.pathname === '' || u.pathname === '/') u.pathname = '/v1/ws';
  return u.toString();
}
