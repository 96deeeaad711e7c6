import { type EventEmitter } from 'node:events';
import { type BackendCapabilities } from './capabilities';
import { type BackendEventMap } from './events';
import { type CommandExecution, type ExecutionContext } from './execution';
import {
  type CommandOutput,
  type CommandWaitResult,
  type ReadOutputOptions,
  type WaitForOptions,
} from './long-commands';
import { type BackendHealth, type BackendMetrics } from './health';
import { type BackendResult } from './result';
import { type CreateSessionOptions, type SessionInfo } from './session';

/**
 * Configuration handed to `initialize`. Each backend documents its own fields in its plugin's
 * `configSchema`; `id` names the instance (generated when absent).
 */
export interface BackendConfig {
  id?: string;
  [key: string]: unknown;
}

export interface CaptureOptions {
  /** Only the last `lines` lines. */
  lines?: number;
}

/**
 * One interface over tmux, node-pty, containers and remote machines. Methods never throw and never
 * reject: every failure is a `BackendResult` with a typed `BackendError`.
 *
 * @example
 * ```ts
 * const session = await backend.createSession({ cwd: '/tmp' });
 * if (session.ok) {
 *   const run = await backend.executeCommand(session.value.id, 'ls -la', undefined, { timeoutMs: 5000 });
 *   if (run.ok) console.log(run.value.exitCode, run.value.output);
 * }
 * ```
 */
export interface ITerminalBackend extends EventEmitter<BackendEventMap> {
  readonly id: string;
  readonly type: string;
  readonly capabilities: BackendCapabilities;
  initialize(config: BackendConfig): Promise<BackendResult<void>>;
  createSession(
    options?: CreateSessionOptions,
    context?: ExecutionContext,
  ): Promise<BackendResult<SessionInfo>>;
  destroySession(sessionId: string): Promise<BackendResult<void>>;
  listSessions(): Promise<BackendResult<SessionInfo[]>>;
  executeCommand(
    sessionId: string,
    command: string,
    paneId?: string,
    context?: ExecutionContext,
  ): Promise<BackendResult<CommandExecution>>;
  /**
   * Runs the commands one after another in the same shell (a non-zero exit does not stop the batch).
   * Each command gets its own `CommandExecution`.
   */
  executeBatch(
    sessionId: string,
    commands: string[],
    paneId?: string,
    context?: ExecutionContext,
  ): Promise<BackendResult<CommandExecution[]>>;
  sendInput(sessionId: string, data: string, paneId?: string): Promise<BackendResult<void>>;
  interrupt(sessionId: string, paneId?: string): Promise<BackendResult<void>>;
  capture(sessionId: string, paneId?: string, options?: CaptureOptions): Promise<BackendResult<string>>;
  resize(sessionId: string, cols: number, rows: number, paneId?: string): Promise<BackendResult<void>>;
  /**
   * Optional flow control (`capabilities.flowControl`): stop reading the session's terminal, so a program
   * writing to it blocks in the kernel instead of filling memory, until `resumeOutput`. A server pauses a
   * session while an attached writer is too slow to take its output. Paused output is not lost: it is read
   * on resume. Pausing twice is the same as once; destroying a paused session works as usual.
   *
   * @example
   * ```ts
   * if (backend.capabilities.flowControl && backend.pauseOutput) await backend.pauseOutput(sessionId);
   * ```
   */
  pauseOutput?(sessionId: string, paneId?: string): Promise<BackendResult<void>>;
  /** Reads the session's terminal again after `pauseOutput`. Resuming an unpaused session does nothing. */
  resumeOutput?(sessionId: string, paneId?: string): Promise<BackendResult<void>>;
  /**
   * Optional long commands (`capabilities.longCommands`): new output of a command that returned
   * `status: 'running'` (see `ExecutionContext.yieldAfterMs`), by byte offset, never a replay of what the
   * same offset already answered; its status, and once it ended its exit code and cwd. With `waitMs`, waits
   * that long for something new. An unknown or forgotten handle is `COMMAND_NOT_FOUND`; a handle whose
   * session failed over or ended is `BACKEND_CRASHED` / `SESSION_NOT_FOUND` with `dispatched: true`.
   * While a handle runs, `executeCommand` on its pane answers `BUSY` with `details.handle`.
   *
   * @example
   * ```ts
   * const started = await backend.executeCommand(id, 'npm run dev', undefined, { yieldAfterMs: 2000 });
   * if (started.ok && started.value.status === 'running') {
   *   const ready = await backend.waitFor!(started.value.handle!, { pattern: 'listening on', timeoutMs: 30_000 });
   *   const more = await backend.readOutput!(started.value.handle!, { waitMs: 1000 });
   * }
   * ```
   */
  readOutput?(handle: string, options?: ReadOutputOptions): Promise<BackendResult<CommandOutput>>;
  /**
   * Resolves when the command's output matches `pattern`, it goes quiet for `idleMs`, or it ends (`exit`);
   * after `timeoutMs` it answers `reason: 'timeout'` (an answer, not an error).
   */
  waitFor?(handle: string, options: WaitForOptions): Promise<BackendResult<CommandWaitResult>>;
  getHealth(): Promise<BackendHealth>;
  getMetrics(): BackendMetrics;
  /** Ends every session and releases every resource. Safe to call twice. */
  shutdown(): Promise<void>;
}
