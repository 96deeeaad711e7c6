import { type CommandExecution, type ExecutionContext } from '@vth/core';
import { type ShellDialect } from './shell-dialect';
import { type ShellTransport } from './shell-transport';

/** What a `ShellCommandRunner` drives and how. */
export interface ShellCommandRunnerOptions {
  /** How the runner types into the shell and learns that it ended. */
  transport: ShellTransport;
  /** Which shell family it talks to (`dialectForShell` picks one from the executable). */
  dialect: ShellDialect;
  /** Carried by each `CommandExecution` and the events: the runner does not check it. */
  sessionId: string;
  /** Carried by each `CommandExecution` and the events: the runner does not check it. */
  paneId: string;
  /** Named in every `BackendError` the runner returns, and carried by the events. */
  backendId: string;
  /** Per-session secret carried by every mark (4-64 letters and digits); random (96 bits) by default. */
  nonce?: string;
  /** Output kept per command when the context sets no `maxOutputBytes`. Default 16 MiB. */
  maxOutputBytes?: number;
  /** After Ctrl-C, how long a command gets to end before SIGTERM. Default 1000 ms. */
  interruptGraceMs?: number;
  /** After SIGTERM (and again after SIGKILL), how long to wait. Default 1000 ms. */
  killGraceMs?: number;
  /**
   * The terminal keeps ONLCR (something renders it, e.g. a tmux pane): the bootstrap leaves it on and command
   * output is translated back to exactly what the program wrote. Default false (ONLCR turned off).
   */
  onlcr?: boolean;
  /** See `BootstrapOptions.exitLingerMs`: for terminals that drop a dying shell's last output. */
  exitLingerMs?: number;
  /** Every byte the shell prints that is not a mark, with the command it belongs to (if any). */
  onOutput?: (data: Buffer, commandId: string | undefined) => void;
  /** A command was dispatched (its start mark arrived); `commandEvents` turns it into a backend event. */
  onCommandStarted?: (info: {
    commandId: string;
    command: string;
    startedAt: number;
    context: ExecutionContext;
  }) => void;
  /** A started command ended (in any way), with the bytes it printed, kept or not. */
  onCommandCompleted?: (execution: CommandExecution, outputBytes: number) => void;
}
