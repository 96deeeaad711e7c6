import { type CommandExecution } from '@vth/core';

/** The CLI's exit codes, following the shell's conventions where one exists. */
export const EXIT = {
  ok: 0,
  /** A backend error, or a command that failed without reporting a code. */
  failure: 1,
  /** Bad usage or configuration: unknown option, invalid config file or environment. */
  usage: 2,
  /** As `timeout(1)`. */
  timedOut: 124,
  /** 128 + SIGINT. */
  interrupted: 130,
  /** 128 + SIGTERM. */
  terminated: 143,
} as const;

/**
 * What the CLI exits with after a command: its own exit code, 124 when it timed out, 130 when interrupted.
 * A completed command whose shell reported no code counts as success, as nothing said it failed.
 */
export function exitCodeOf(execution: CommandExecution): number {
  switch (execution.status) {
    case 'completed':
      return execution.exitCode ?? EXIT.ok;
    case 'timed-out':
      return EXIT.timedOut;
    case 'interrupted':
      return EXIT.interrupted;
    case 'lost':
      return EXIT.failure;
    case 'running':
      // The CLI waits for its commands to end; a yielded one it did not ask for is not a success.
      return EXIT.failure;
  }
}
