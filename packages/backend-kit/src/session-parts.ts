import { type StringDecoder } from 'node:string_decoder';
import {
  type BackendResult,
  type CommandExecution,
  type ExecutionContext,
  type SessionClosedEvent,
} from '@vth/core';
import { type BoundedOutputBuffer } from '@vth/core/kit';

/**
 * What runs the commands of one pane, one at a time: `ShellCommandRunner` (from `@vth/shell-integration`)
 * for a real shell, or an in-memory runner for tests. The backend validates every argument before it
 * reaches the runner.
 */
export interface SessionRunner {
  /**
   * Runs one command. `onCommandId`, when the runner supports it, is called synchronously with the id the
   * command's execution will carry, before any of its output (long commands name their handle with it).
   */
  execute(
    command: string,
    context: ExecutionContext,
    onCommandId?: (commandId: string) => void,
  ): Promise<BackendResult<CommandExecution>>;
  executeBatch(commands: string[], context: ExecutionContext): Promise<BackendResult<CommandExecution[]>>;
  sendInput(data: string): void;
  interrupt(): void;
  /** The shell's working directory after the last command, when known. */
  readonly cwd: string | undefined;
  /** The shell behind the runner is gone. */
  readonly closed: boolean;
}

/** Where the bytes a pane prints go besides its commands: `output` events, and the scrollback `capture` reads. */
export interface PaneOutput {
  /** Decodes the pane's bytes for `output` events (a character split between chunks stays whole). */
  readonly decoder: StringDecoder;
  /** Recent output for `capture`, when the backend keeps it itself (tmux asks the pane instead). */
  readonly scrollback?: BoundedOutputBuffer;
}

/** What a call addressed to a session and pane acts on. */
export interface SessionPane {
  readonly runner: SessionRunner;
  readonly output: PaneOutput;
}

/** What the base needs to know of each session. */
export interface BackendSession {
  readonly id: string;
  readonly createdAt: number;
  readonly labels?: Record<string, string>;
  /** Set once the session is being ended (and why): from then on calls treat it as gone. */
  closing: SessionClosedEvent['reason'] | null;
}

/** The fields of a backend's validated config the base relies on. */
export interface SessionBackendConfig {
  /** The instance id `initialize` adopts. */
  id?: string | undefined;
  /** Sessions beyond this are refused with `BUSY`. */
  maxSessions: number;
  /** The largest command (and `sendInput` data) a call may carry. */
  maxCommandBytes: number;
}

/** `ready`: initialized; `crashed`: lost what ran it (initialize again to start afresh). */
export type BackendState = 'new' | 'ready' | 'crashed' | 'shut-down';
