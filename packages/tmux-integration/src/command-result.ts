import { type CommandExecution, type CommandStatus } from '@vth/core';

/** The outcome of one command, as the legacy API reports it. */
export interface CommandResult {
  /** This run's id: the `commandId` of its `command-started` event. */
  id: string;
  /** The command line as typed. */
  command: string;
  /** Exactly what the command printed: no echo, no prompt. */
  output: string;
  /** `null` when the shell did not report one (a timed-out or interrupted command). */
  exitCode: number | null;
  /** How it ended: `'completed'`, `'timed-out'` (the session stays usable), `'interrupted'`, or `'lost'` (the shell died). */
  status: CommandStatus;
  /** `status === 'completed' && exitCode === 0`. */
  success: boolean;
  /** Milliseconds from dispatch to completion. */
  duration: number;
  /** The session it ran in (the active one when the call named none). */
  sessionId: string;
  /** The pane it ran in. */
  paneId: string;
  /** The shell's working directory after the command. */
  cwd?: string;
  /** Output beyond `maxOutputBytes`, cut from the middle. */
  truncatedBytes: number;
  /** Epoch milliseconds. */
  startedAt: number;
  /** The backend instance that ran it. */
  backendId: string;
}

export function toCommandResult(execution: CommandExecution): CommandResult {
  return {
    id: execution.id,
    command: execution.command,
    output: execution.output,
    exitCode: execution.exitCode,
    status: execution.status,
    success: execution.status === 'completed' && execution.exitCode === 0,
    duration: execution.durationMs,
    sessionId: execution.sessionId,
    paneId: execution.paneId,
    ...(execution.cwd === undefined ? {} : { cwd: execution.cwd }),
    truncatedBytes: execution.truncatedBytes,
    startedAt: execution.startedAt,
    backendId: execution.backendId,
  };
}
