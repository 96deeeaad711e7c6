import { type StringDecoder } from 'node:string_decoder';
import {
  type createSessionOptionsSchema,
  type BackendResult,
  type CommandExecution,
  type ExecutionContext,
  type SessionClosedEvent,
} from '@vth/core';
import { type BoundedOutputBuffer } from '@vth/core/kit';
import { type z } from 'zod';

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
  /**
   * Runs the commands one after another; a non-zero exit does not stop the batch, an error does (with the
   * executions so far in `details.executions`).
   */
  executeBatch(commands: string[], context: ExecutionContext): Promise<BackendResult<CommandExecution[]>>;
  /** Raw keys for whatever reads the terminal (a command's stdin, an open heredoc). */
  sendInput(data: string): void;
  /** Ctrl-C to the running command, escalating to SIGTERM and SIGKILL; nothing when nothing runs. */
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
  /** Runs the pane's commands. */
  readonly runner: SessionRunner;
  /** Where the pane's bytes go besides its commands. */
  readonly output: PaneOutput;
}

/** What the base needs to know of each session. */
export interface BackendSession {
  /** The session id callers address it by (unique within the backend). */
  readonly id: string;
  /** When it was created (ms since the epoch), as `SessionInfo.createdAt` reports it. */
  readonly createdAt: number;
  /** The caller's labels from `createSession`, reported back unchanged. */
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
  /**
   * Sessions that may be starting at once; further creates wait their turn in call order (see
   * `CreateAdmission`). Absent: no limit.
   */
  maxConcurrentCreates?: number | undefined;
}

/** `ready`: initialized; `crashed`: lost what ran it (initialize again to start afresh). */
export type BackendState = 'new' | 'ready' | 'crashed' | 'shut-down';

/** `createSession` options once validated. */
export type SessionOptions = z.output<typeof createSessionOptionsSchema>;

/** How a `SessionBackend` is set up by its subclass. */
export interface SessionBackendOptions {
  /** The backend's id until `initialize` adopts a config with another. */
  id: string;
  /** The config given to the constructor; `initialize(config)` overrides it key by key. */
  initial?: object | undefined;
  /**
   * The id of the one pane of every session, for backends whose sessions are their own pane. Absent when
   * the backend addresses panes itself (it then overrides `target` and `info`).
   */
  singlePane?: string;
  /** Emit `health-changed` when initialize or shutdown changes what `getHealth` reports. Default false. */
  healthEvents?: boolean;
}
