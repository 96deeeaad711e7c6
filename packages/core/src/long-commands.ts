import { z } from 'zod';
import { type CommandStatus } from './execution';
import { fail, ok, type BackendResult } from './result';
import { LIMITS } from './schemas';

/**
 * What a command handle names. A handle is `sessionId:paneId:commandId` (none of the three can hold a `:`),
 * so every layer can tell the session from the handle alone: a manager routes it to the backend holding
 * the session, a server checks that the caller owns the session. Treat it as opaque otherwise.
 */
export interface CommandHandle {
  /** The session the command runs in (so a manager can route the handle without asking anyone). */
  sessionId: string;
  /** The pane it runs in. */
  paneId: string;
  /** The command's `CommandExecution.id`. */
  commandId: string;
}

const HANDLE = /^([A-Za-z0-9][A-Za-z0-9_-]*):([A-Za-z0-9%_-]+):([A-Za-z0-9_-]+)$/;
const HANDLE_MAX = LIMITS.idLength * 3 + 2;

/** A handle's text, checked like every argument: `INVALID_INPUT` on anything else. */
export const commandHandleSchema = z
  .string({ error: 'must be a string' })
  .max(HANDLE_MAX, `must be at most ${HANDLE_MAX} characters`)
  .regex(HANDLE, 'must be a command handle as returned by executeCommand ("session:pane:command")');

/**
 * The handle of a command, for `CommandExecution.handle`.
 *
 * @example const handle = formatCommandHandle({ sessionId: 's1', paneId: '0', commandId: 'cmd-7' }); // 's1:0:cmd-7'
 */
export function formatCommandHandle(handle: CommandHandle): string {
  return `${handle.sessionId}:${handle.paneId}:${handle.commandId}`;
}

/**
 * The parts of a handle; `INVALID_INPUT` (never dispatched) when `value` is not one.
 *
 * @example
 * ```ts
 * const parsed = parseCommandHandle(handle);
 * if (!parsed.ok) return parsed;
 * const backend = backendHolding(parsed.value.sessionId);
 * ```
 */
export function parseCommandHandle(value: unknown): BackendResult<CommandHandle> {
  const checked = commandHandleSchema.safeParse(value);
  if (!checked.success) {
    return fail('INVALID_INPUT', `invalid handle: ${checked.error.issues[0]?.message ?? 'not a handle'}`, {
      dispatched: false,
    });
  }
  const [, sessionId, paneId, commandId] = HANDLE.exec(checked.data)!;
  return ok({ sessionId: sessionId!, paneId: paneId!, commandId: commandId! });
}

/** Longest wait a single `readOutput` / `waitFor` call may ask for. */
export const MAX_WAIT_MS = 10 * 60 * 1000;

/** Options of `readOutput`. */
export interface ReadOutputOptions {
  /**
   * Byte offset (UTF-8) in the command's output to read from: the `nextOffset` of the previous answer.
   * Default: where the previous `readOutput` or `waitFor` of this handle stopped (0 at first).
   */
  sinceOffset?: number;
  /** With nothing new yet, wait up to this long for output or the command's end (default 0: answer now). */
  waitMs?: number;
  /** Answer at most this many bytes (default 64 KiB); the rest stays for the next call. */
  maxBytes?: number;
}

/** `ReadOutputOptions` as `readOutput` checks them (`INVALID_INPUT` naming the field). */
export const readOutputOptionsSchema = z.strictObject({
  sinceOffset: z.number().int('must be an integer').min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  waitMs: z.number().int('must be an integer').min(0).max(MAX_WAIT_MS).optional(),
  maxBytes: z.number().int('must be an integer').min(1).max(LIMITS.outputBytes).optional(),
});

/** Options of `waitFor`: exactly one of `pattern`, `idleMs`, `exit`, and a deadline. */
export interface WaitForOptions {
  /**
   * A JavaScript regular expression (source, no flags; at most 1024 characters), tested against the
   * command's output from `sinceOffset` (the backend keeps only the last part of a long output: see
   * `CommandOutput.skippedBytes`).
   */
  pattern?: string;
  /** Resolve once the command has printed nothing for this long. */
  idleMs?: number;
  /** Resolve when the command ends. */
  exit?: true;
  /** Give up after this long: the answer then has `reason: 'timeout'` (not an error). */
  timeoutMs: number;
  /** Where `pattern` starts looking (default 0: all output kept). */
  sinceOffset?: number;
}

/** `WaitForOptions` as `waitFor` checks them: exactly one condition, a valid pattern, bounded waits. */
export const waitForOptionsSchema = z
  .strictObject({
    pattern: z
      .string()
      .min(1)
      .max(1024)
      .refine((p) => {
        try {
          new RegExp(p);
          return true;
        } catch {
          return false;
        }
      }, 'must be a valid regular expression')
      .optional(),
    idleMs: z.number().int('must be an integer').positive().max(MAX_WAIT_MS).optional(),
    exit: z.literal(true).optional(),
    timeoutMs: z.number().int('must be an integer').positive().max(MAX_WAIT_MS),
    sinceOffset: z.number().int('must be an integer').min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .refine(
    (o) => [o.pattern, o.idleMs, o.exit].filter((v) => v !== undefined).length === 1,
    'give exactly one of pattern, idleMs, exit',
  );

/** What `readOutput` answers: a slice of the command's output, and where the command stands. */
export interface CommandOutput {
  /** The handle asked about. */
  handle: string;
  /** The session the command runs in. */
  sessionId: string;
  /** The pane it runs in. */
  paneId: string;
  /** The command line as typed. */
  command: string;
  /** `running` until the command ends; then how it ended. */
  status: CommandStatus;
  /** The output from `offset` to `nextOffset` (never bytes already answered for the same `sinceOffset`). */
  output: string;
  /** Byte offset of `output`'s first byte. Greater than the asked `sinceOffset` when bytes were dropped. */
  offset: number;
  /** Pass as `sinceOffset` to read on. */
  nextOffset: number;
  /** Bytes between `sinceOffset` and `offset` the backend no longer holds (it keeps the most recent ones). */
  skippedBytes: number;
  /** Once ended: the exit code the shell reported (`null` when none). */
  exitCode: number | null;
  /** Once ended: the working directory after it, when the backend tracks it. */
  cwd?: string;
  /** When it was dispatched, in epoch milliseconds. */
  startedAt: number;
  /** Running time so far, or in all once ended. */
  durationMs: number;
}

/**
 * What `waitFor` answers: why it returned, and the output from `sinceOffset` up to that moment (the most
 * recent 64 KiB at most; bytes left out are counted in `skippedBytes`).
 */
export interface CommandWaitResult extends CommandOutput {
  /** Which condition ended the wait; `timeout` when none did within `timeoutMs`. */
  reason: 'pattern' | 'idle' | 'exit' | 'timeout';
  /** With `reason: 'pattern'`: the matched text and its byte offset in the command's output. */
  match?: { text: string; offset: number };
}
