/**
 * Travels with every call: who asked (audit trail), where from (routing), and the limits of this call.
 */
export interface ExecutionContext {
  /** The caller's id for this request: echoed in events and audit records to join logs across layers. */
  requestId?: string;
  /** Who asked: recorded in the audit trail; a manager's A/B assignment and rate limits key on it. */
  userId?: string;
  /** e.g. 'voice', 'api', 'cli'. */
  source?: string;
  /** The command ends `timed-out` after this long (partial output kept, the session stays usable). */
  timeoutMs?: number;
  /** The command ends `timed-out` when it prints nothing for this long. */
  idleTimeoutMs?: number;
  /** Output beyond this many bytes is cut from the middle; the head and tail are kept. */
  maxOutputBytes?: number;
  /** Aborting interrupts the command; it ends `interrupted`. */
  signal?: AbortSignal;
  /** Called with each piece of output as it arrives. */
  onOutput?: (chunk: string) => void;
  /**
   * Long commands (`capabilities.longCommands`): when the command has not ended after this long,
   * `executeCommand` returns with `status: 'running'`, the output so far and a `handle`; the command keeps
   * running in its session (with no deadline of its own unless `timeoutMs` is given). Follow it with
   * `readOutput` / `waitFor`; `sendInput` and `interrupt` reach it as usual. Not for `executeBatch`.
   */
  yieldAfterMs?: number;
}

/** How a command ended; `running`: it has not yet (a long command that yielded, see `yieldAfterMs`). */
export type CommandStatus = 'completed' | 'timed-out' | 'interrupted' | 'lost' | 'running';

/** The result of one command: how it ended, what it printed, where it left the shell. */
export interface CommandExecution {
  /** This run's id (as in its `command-started` and `command-completed` events). */
  id: string;
  /** The session it ran in. */
  sessionId: string;
  /** The pane it ran in. */
  paneId: string;
  /** The command line as typed. */
  command: string;
  /** How it ended (`lost`: the shell died under it), or `running` for a command that yielded. */
  status: CommandStatus;
  /** Never invented: `null` when the shell did not report one. */
  exitCode: number | null;
  /** Exactly what the command printed: no echo, no prompt, no markers. */
  output: string;
  /** Bytes of output beyond `maxOutputBytes`, cut from the middle (head and tail kept). */
  truncatedBytes: number;
  /** The shell's working directory after the command, when the backend tracks it. */
  cwd?: string;
  /** When it was dispatched, in epoch milliseconds. */
  startedAt: number;
  /** From dispatch to its end (or to the yield, while `running`). */
  durationMs: number;
  /** The backend that ran it. */
  backendId: string;
  /** Only while `status` is `running`: names the command for `readOutput`, `waitFor` (see `CommandHandle`). */
  handle?: string;
  /**
   * Only while `status` is `running`: the byte offset (UTF-8) just past `output` in the command's output;
   * `readOutput(handle, { sinceOffset: nextOffset })` continues from there.
   */
  nextOffset?: number;
}
