import { envSchema, LIMITS, terminalSizeSchema, sessionProfileSchema } from '@vth/core';
import { commandLimitsShape } from '@vth/core/kit';
import { defaultMaxSessions, MACHINE_DEFAULT } from '@vth/shell-integration';
import { z } from 'zod';

const ms = (def: number) => z.number().int().min(0).max(LIMITS.timeoutMs).default(def);

/**
 * Configuration of the node-pty backend. Every field has a default; unknown fields are rejected so a typo
 * is an `INVALID_CONFIG`, not a silently ignored setting.
 */
export const nodePtyConfigSchema = z.strictObject({
  /** Instance id (generated when absent). */
  id: z.string().min(1).max(128).optional(),
  /** The shell for new sessions: a name looked up in PATH or an absolute path. bash gets the full shell integration, other shells the POSIX fallback. */
  shell: z.string().min(1).default('bash'),
  /** Arguments for the shell; by default those that start it interactive and quiet (`--noprofile --norc --noediting -i` for bash). */
  shellArgs: z.array(z.string()).optional(),
  /** Working directory of new sessions (default: the process's cwd). */
  cwd: z.string().min(1).optional(),
  /** Environment added to every session. */
  env: envSchema.default({}),
  /** Start sessions from this process's environment (minus vth's own hook variables). */
  inheritEnv: z.boolean().default(true),
  /**
   * The environment profile of sessions that do not choose one (`createSession({ profile })`): `program`
   * (pagers off, no prompts: see @vth/shell-integration's `PROGRAM_PROFILE_ENV`) or `terminal` (plain).
   */
  profile: sessionProfileSchema.default('program'),
  /** TERM of the sessions. */
  term: z.string().min(1).default('xterm-256color'),
  cols: terminalSizeSchema.default(120),
  rows: terminalSizeSchema.default(30),
  /**
   * Sessions beyond this are refused with `BUSY`. Default: what the machine holds (nine tenths of the
   * pseudo-terminals free at start, at most half the memory at 8 MiB a session; see `defaultMaxSessions`).
   */
  maxSessions: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(() => defaultMaxSessions(8 * 1024 * 1024))
    .meta({ [MACHINE_DEFAULT]: true }),
  /**
   * Sessions that may be starting at once (a pty forked, its shell coming up); further `createSession`
   * calls wait their turn in call order, their id claimed: forking thousands of ptys in one go blocks the
   * event loop until their shells' ready timeouts pass. A waiting create gives up when its context's
   * `signal` aborts or its `timeoutMs` passes (`TIMEOUT`, `dispatched: false`: nothing was started).
   */
  maxConcurrentCreates: z.number().int().min(1).max(10_000).default(16),
  ...commandLimitsShape,
  /** Recent output kept per session for `capture`. */
  scrollbackBytes: z
    .number()
    .int()
    .min(0)
    .max(256 * 1024 * 1024)
    .default(1024 * 1024),
  /** How long a new shell gets to become ready. */
  readyTimeoutMs: ms(10_000),
  /** After Ctrl-C, how long a command gets before its process group gets SIGTERM. */
  interruptGraceMs: ms(1000),
  /** After SIGHUP (destroy) or SIGTERM (interrupt), how long before SIGKILL. */
  killGraceMs: ms(500),
});

/** The configuration after parsing, every default filled in: what the backend runs with. */
export type NodePtyConfig = z.output<typeof nodePtyConfigSchema>;
/** What a caller may pass to `initialize` or the plugin (every field optional). */
export type NodePtyConfigInput = z.input<typeof nodePtyConfigSchema>;
