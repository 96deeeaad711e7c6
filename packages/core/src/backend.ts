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
  /** The instance's id in events, metrics, errors (`backendId`) and a manager's pool; unique per process. */
  id?: string;
  [key: string]: unknown;
}

/** What `capture` returns of a pane's recent output. */
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
  /** This instance's id (`BackendConfig.id`), stamped on its sessions, executions, metrics and errors. */
  readonly id: string;
  /** The plugin type that made it (`tmux`, `node-pty`, `container`, ...); a manager reports its own. */
  readonly type: string;
  /** What this backend can do beyond the required methods; check a flag before an optional call. */
  readonly capabilities: BackendCapabilities;
  /**
   * Starts the backend (finds its binary, opens its socket or connection). Call it once before anything
   * else; a second call after success is a no-op, a call during a start joins it.
   *
   * Errors: `INVALID_CONFIG` (naming the offending path), `UNAVAILABLE` (what it runs on is missing),
   * `NOT_INITIALIZED` after `shutdown`.
   */
  initialize(config: BackendConfig): Promise<BackendResult<void>>;
  /**
   * Opens a session: a shell (or several panes of shells) that lives until `destroySession`, its own exit,
   * or `shutdown`, and keeps its cwd and environment between commands. `context` is for audit and routing
   * (a manager picks a backend with it); it sets no limits here.
   *
   * Errors: `NOT_INITIALIZED`, `INVALID_INPUT` (bad options, or a `sessionId` already in use), `BUSY` (at
   * the backend's session limit), `UNSUPPORTED` (an option this backend cannot honour), `UNAVAILABLE`.
   */
  createSession(
    options?: CreateSessionOptions,
    context?: ExecutionContext,
  ): Promise<BackendResult<SessionInfo>>;
  /**
   * Ends the session and everything running in it; resolves once its processes are gone, and emits
   * `session-closed` with reason `destroyed`. Errors: `NOT_INITIALIZED`, `SESSION_NOT_FOUND`.
   */
  destroySession(sessionId: string): Promise<BackendResult<void>>;
  /** The sessions still open (not the ones being destroyed). Errors: `NOT_INITIALIZED`. */
  listSessions(): Promise<BackendResult<SessionInfo[]>>;
  /**
   * Types one command into the session's shell (its first pane unless `paneId`) and resolves when it ends,
   * with its exact output, exit code and cwd. Commands to one pane run one at a time, in call order.
   * A timeout, an idle timeout or an abort is not an error: the result says `timed-out` / `interrupted`.
   *
   * Errors: `NOT_INITIALIZED`, `SESSION_NOT_FOUND`, `PANE_NOT_FOUND`, `INVALID_INPUT` (an empty or
   * multi-line command, a bad context), `BUSY` (a long command still runs in the pane; `details.handle`),
   * `TIMEOUT` (the shell never became ready; `dispatched: false`), `BACKEND_CRASHED` (the shell died while
   * the command ran; `dispatched: true`, so do not blindly run it again).
   */
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
  /**
   * Writes raw keys to the pane's terminal, as typed (answers to a prompt, keys for a full-screen
   * program); nothing waits for a result. Errors: `NOT_INITIALIZED`, `SESSION_NOT_FOUND`,
   * `PANE_NOT_FOUND`, `INVALID_INPUT` (data over the size limit).
   */
  sendInput(sessionId: string, data: string, paneId?: string): Promise<BackendResult<void>>;
  /**
   * Sends Ctrl-C to the pane; a running command then ends `interrupted` (escalating if it ignores it).
   * Errors: `NOT_INITIALIZED`, `SESSION_NOT_FOUND`, `PANE_NOT_FOUND`.
   */
  interrupt(sessionId: string, paneId?: string): Promise<BackendResult<void>>;
  /**
   * The pane's recent output as text (what a person looking at it would read), e.g. to show a full-screen
   * program. Errors: `NOT_INITIALIZED`, `SESSION_NOT_FOUND`, `PANE_NOT_FOUND`, `INVALID_INPUT` (bad `lines`).
   */
  capture(sessionId: string, paneId?: string, options?: CaptureOptions): Promise<BackendResult<string>>;
  /**
   * Gives the pane's terminal a new size in columns and rows, so programs reflow for the viewer.
   * Errors: `NOT_INITIALIZED`, `SESSION_NOT_FOUND`, `PANE_NOT_FOUND`, `INVALID_INPUT` (a size out of range).
   */
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
  /**
   * Whether the backend can take work now, for health checks and a manager's routing; never an error (an
   * unhealthy backend says so in `status` and `message`).
   */
  getHealth(): Promise<BackendHealth>;
  /** Counters since start (sessions, commands, errors by code, latency); cheap, synchronous. */
  getMetrics(): BackendMetrics;
  /** Ends every session and releases every resource. Safe to call twice. */
  shutdown(): Promise<void>;
}
