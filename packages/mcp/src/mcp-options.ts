import { isLoopbackHost } from '@vth/security';
import { z } from 'zod';

const ms = (max: number) =>
  z.number({ error: 'must be a number of milliseconds' }).int('must be a whole number').positive().max(max);

/**
 * How the tools behave, for every transport. Defaults keep each call under an MCP client's usual 60 s
 * request timeout.
 */
export const mcpToolOptionsSchema = z.strictObject({
  /** `command_run` answers after this long at the latest (`running` with a handle when not done). */
  defaultYieldMs: ms(55_000).default(20_000),
  /** Longest wait a caller may ask of `command_run`, `command_wait` or `command_read`. */
  maxWaitMs: ms(10 * 60_000).default(55_000),
  /** Output of one answer beyond this is cut from the middle (head and tail kept, the cut counted). */
  maxOutputBytes: z
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .default(64 * 1024),
  /** Terminal sessions one MCP client may hold at once. */
  maxSessions: z.number().int().min(1).max(1000).default(8),
  /** Size of new sessions (and of their rendered screen). */
  cols: z.number().int().min(20).max(500).default(120),
  /** Rows of new sessions, like `cols`. */
  rows: z.number().int().min(5).max(200).default(32),
  /** How often a waiting call reports progress (when the client sent a progressToken). */
  progressIntervalMs: ms(60_000).default(2_000),
});

const tokenEntrySchema = z.strictObject({
  /** Names the token in logs (not secret). */
  id: z.string().min(1).max(128),
  /** The user the token speaks for: `ExecutionContext.userId` of every call made with it. */
  userId: z.string().min(1).max(256),
  /** Hex SHA-256 of the token (`vth token` prints one); the token itself is never stored. */
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits (a SHA-256)'),
});

const originSchema = z
  .string()
  .regex(/^https?:\/\/[^/\s]+$/, 'must be an origin like "https://agent.example.com" (no path)');

/** The Streamable HTTP transport. */
export const mcpHttpOptionsSchema = z
  .strictObject({
    /** Interface to bind; anything but loopback needs `tokens`. */
    host: z.string().min(1).default('127.0.0.1'),
    /** 0: any free port. */
    port: z.number().int().min(0).max(65_535).default(7701),
    /** Where the MCP endpoint is served. */
    path: z
      .string()
      .regex(/^\/[A-Za-z0-9._~/-]*$/, 'must be a path like /mcp')
      .default('/mcp'),
    /** Bearer tokens (only their SHA-256). With any, every request needs one, from loopback too. */
    tokens: z.array(tokenEntrySchema).default([]),
    /** Host header names accepted besides loopback names and the bound address (DNS rebinding protection). */
    allowedHosts: z.array(z.string().min(1).max(253)).default([]),
    /** Browser origins accepted besides the server's own. */
    allowedOrigins: z.array(originSchema).default([]),
    /** An MCP session with no request and no open stream for this long ends (its terminal sessions closed). */
    idleGraceMs: ms(24 * 3_600_000).default(10 * 60_000),
    /** MCP sessions at once (a new one past it is refused with 503). */
    maxClients: z.number().int().min(1).max(10_000).default(64),
    /** Messages kept per MCP session for resuming a dropped stream (`Last-Event-ID`). */
    eventBacklog: z.number().int().min(0).max(100_000).default(1_000),
  })
  .superRefine((o, ctx) => {
    if (!isLoopbackHost(o.host) && o.tokens.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['tokens'],
        message: `serving on ${o.host} (not loopback) needs at least one token: off localhost nothing works without auth`,
      });
  });

/**
 * Options of the MCP server (`vth mcp`, config key `mcp`).
 *
 * @example
 * ```json
 * { "mcp": { "tools": { "defaultYieldMs": 15000 }, "http": { "port": 7701 } } }
 * ```
 */
export const mcpOptionsSchema = z.strictObject({
  /** How the tools behave ({@link mcpToolOptionsSchema}). */
  tools: mcpToolOptionsSchema.default(mcpToolOptionsSchema.parse({})),
  /** The Streamable HTTP transport ({@link mcpHttpOptionsSchema}); used only by `listenHttp`. */
  http: mcpHttpOptionsSchema.default(mcpHttpOptionsSchema.parse({})),
});

/** The tool settings after parsing, every default filled in. */
export type McpToolOptions = z.output<typeof mcpToolOptionsSchema>;
/** The HTTP settings after parsing, every default filled in. */
export type McpHttpOptions = z.output<typeof mcpHttpOptionsSchema>;
/** The MCP server's settings after parsing: what `McpHost.options` holds. */
export type McpOptions = z.output<typeof mcpOptionsSchema>;
/** The MCP server's settings as written (config key `mcp`), every key optional. */
export type McpOptionsInput = z.input<typeof mcpOptionsSchema>;
