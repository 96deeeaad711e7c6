import { envSchema, LIMITS, terminalSizeSchema, sessionProfileSchema } from '@vth/core';
import { commandLimitsShape } from '@vth/core/kit';
import { defaultMaxSessions, MACHINE_DEFAULT } from '@vth/shell-integration';
import { securityHooksShape, securityOptionsSchema } from '@vth/security';
import { z } from 'zod';

const ms = (def: number) => z.number().int().min(0).max(LIMITS.timeoutMs).default(def);

/** tmux names: what we create must not need quoting to be found again (`=name` targets). */
const tmuxNameSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"');

/**
 * Configuration of the tmux backend. Every field has a default; unknown fields are rejected
 * (`INVALID_CONFIG` naming them).
 */
export const tmuxConfigSchema = z.strictObject({
  /** Instance id (generated when absent). */
  id: z.string().min(1).max(128).optional(),
  /** The tmux binary: a name looked up in PATH or an absolute path. */
  tmuxPath: z.string().min(1).default('tmux'),
  /**
   * The server's socket. Default: a private socket for this backend instance in a 0700 directory under the
   * system temp dir; the backend then owns the server and ends it on shutdown. Give a path to share a server
   * (a person can `tmux -S <path> attach -t <session>` to watch); vth then ends only what it created.
   */
  socketPath: z.string().min(1).max(100).optional(),
  /** Config file for a server the backend starts; `null` (default) reads none, for a predictable server. */
  configFile: z.string().min(1).nullable().default(null),
  /** The session the control client attaches to; every pane vth watches is linked into it. */
  controlSession: tmuxNameSchema.optional(),
  /** Working directory of new sessions (default: the process's cwd). */
  cwd: z.string().min(1).optional(),
  /** The shell of new panes: a name in PATH or an absolute path. */
  shell: z.string().min(1).default('bash'),
  shellArgs: z.array(z.string()).optional(),
  env: envSchema.default({}),
  inheritEnv: z.boolean().default(true),
  /**
   * The environment profile of sessions that do not choose one (`createSession({ profile })`): `program`
   * (pagers off, no prompts: see @vth/shell-integration's `PROGRAM_PROFILE_ENV`) or `terminal` (plain).
   * Applied per session (`new-session -e`), never to the server's own environment.
   */
  profile: sessionProfileSchema.default('program'),
  /** TERM inside panes (tmux's `default-terminal`) on a server the backend starts. */
  term: z.string().min(1).default('tmux-256color'),
  cols: terminalSizeSchema.default(120),
  rows: terminalSizeSchema.default(30),
  /**
   * Scrollback per pane, for `capture`, as a memory budget: tmux counts history in lines, so vth sets
   * `history-limit` to what fits in this many bytes at the session width (measured worst case: about 5.2
   * bytes a cell; a busy 120-column pane with tmux's 50,000 lines took 9–31 MB). `historyLimit` overrides it.
   */
  historyBytes: z
    .number()
    .int()
    .min(0)
    .max(1024 * 1024 * 1024)
    .default(4 * 1024 * 1024),
  /** Lines of scrollback per pane; default: what `historyBytes` holds (`historyLines`). */
  historyLimit: z.number().int().min(0).max(10_000_000).optional(),
  /**
   * Sessions beyond this are refused with `BUSY`. Default: what the machine holds (nine tenths of the
   * pseudo-terminals free at start, at most half the memory at 12 MiB a session: the default
   * `historyBytes` and a shell).
   */
  maxSessions: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(() => defaultMaxSessions(12 * 1024 * 1024))
    .meta({ [MACHINE_DEFAULT]: true }),
  maxPanesPerSession: z.number().int().min(1).max(1000).default(32),
  /**
   * Sessions that may be starting at once (tmux making the pane, its shell coming up); further
   * `createSession` calls wait their turn in call order, their id claimed, instead of all reaching the server
   * together and timing out in bulk. A waiting create gives up when its context's `signal` aborts or its
   * `timeoutMs` passes (`TIMEOUT`, `dispatched: false`: nothing reached tmux).
   */
  maxConcurrentCreates: z.number().int().min(1).max(10_000).default(16),
  ...commandLimitsShape,
  /** How long tmux may take to answer one command. */
  commandTimeoutMs: ms(10_000),
  readyTimeoutMs: ms(10_000),
  /**
   * `createSession` and `splitPane` wait for the pane's shell to be ready. Default false: they return as soon
   * as tmux has made the pane (about 3 ms), the shell finishes starting meanwhile, and the first command
   * waits for it (or fails if it never comes up within `readyTimeoutMs`).
   */
  waitForShell: z.boolean().default(false),
  interruptGraceMs: ms(1000),
  killGraceMs: ms(500),
  /**
   * Security controls of this instance (see @vth/security): rate limits per session and per user, an audit
   * file with secrets redacted, command rules (`commands`). All off by default. With the hooks below, the
   * one security layer any backend gets beside a manager's backend spec (`applySecurityLayer`).
   */
  security: securityOptionsSchema.optional(),
  /**
   * Hooks of the security layer: `policy` (decides before dispatch whether a command may run; refused
   * commands return FORBIDDEN, never run), `confirm` (asked when it answers `confirm`), `auditSink`
   * (receives every audit record, beside `security.audit.file`), `redact` (replaces the default redaction
   * of audit records; `false` logs commands verbatim).
   */
  ...securityHooksShape,
});

/** The configuration after parsing, every default filled in: what the backend runs with. */
export type TmuxConfig = z.output<typeof tmuxConfigSchema>;
/** What a caller may pass to `initialize` or the plugin. */
export type TmuxConfigInput = z.input<typeof tmuxConfigSchema>;
