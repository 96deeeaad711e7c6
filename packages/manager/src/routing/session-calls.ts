import {
  fail,
  ok,
  type BackendResult,
  type CaptureOptions,
  type CommandExecution,
  type CommandOutput,
  type CommandWaitResult,
  type ExecutionContext,
  type ITerminalBackend,
  type ReadOutputOptions,
  type WaitForOptions,
} from '@vth/core';
import { followHandle } from './handle-calls';
import { parseExecutionContext } from '@vth/core/kit';
import { recordVariantCall } from '../experiments/experiment-set';
import { type SessionTable } from '../sessions/session-table';
import { type CallRouter } from './call-router';

export interface SessionCallsContext {
  managerId: string;
  router: CallRouter;
  sessions: SessionTable;
}

/**
 * The calls a caller makes on a session, through the router, in the caller's terms: executions carry the
 * manager's session and pane ids and id, count for the session's experiment variant, and a resize is
 * remembered for the session's next move.
 *
 * @example
 * ```ts
 * const ran = await calls.executeCommand(sessionId, 'make test');
 * ```
 */
export class SessionCalls {
  constructor(private readonly ctx: SessionCallsContext) {}

  async executeCommand(
    sessionId: string,
    command: string,
    paneId?: string,
    context?: ExecutionContext,
  ): Promise<BackendResult<CommandExecution>> {
    // Read once, here: backends (and retries on others) get the frozen copy, never the caller's object.
    // Refused only once the session is found, in the order a backend checks.
    const ctx = parseExecutionContext(context);
    const r = await this.ctx.router.route(sessionId, paneId, true, async (b, id, pane) =>
      ctx.ok ? b.executeCommand(id, command, pane, ctx.value) : fail(ctx.error),
    );
    const s = this.ctx.sessions.get(sessionId);
    if (s?.assignment) recordVariantCall(s.assignment, r.ok ? [r.value] : undefined);
    if (!r.ok) return r;
    const execution = s ? s.execution(this.ctx.managerId, r.value) : r.value;
    if (s && execution.status === 'running' && execution.handle) s.hold(r.value.id);
    return ok(execution);
  }

  /**
   * A yielded command's new output, from the backend holding its session. A handle survives nothing but
   * its session on that backend: once the session moved (failover, drain, hot swap) it answers
   * `BACKEND_CRASHED` with `dispatched: true`.
   */
  readOutput(handle: string, options?: ReadOutputOptions): Promise<BackendResult<CommandOutput>> {
    return followHandle(this.ctx, handle, (b, inner) =>
      b.readOutput ? b.readOutput(inner, options) : noLongCommands(b),
    );
  }

  /** Waits for a yielded command on the backend holding its session (see `readOutput`). */
  waitFor(handle: string, options: WaitForOptions): Promise<BackendResult<CommandWaitResult>> {
    return followHandle(this.ctx, handle, (b, inner) =>
      b.waitFor ? b.waitFor(inner, options) : noLongCommands(b),
    );
  }

  async executeBatch(
    sessionId: string,
    commands: string[],
    paneId?: string,
    context?: ExecutionContext,
  ): Promise<BackendResult<CommandExecution[]>> {
    const ctx = parseExecutionContext(context);
    const r = await this.ctx.router.route(sessionId, paneId, true, async (b, id, pane) =>
      ctx.ok ? b.executeBatch(id, commands, pane, ctx.value) : fail(ctx.error),
    );
    const s = this.ctx.sessions.get(sessionId);
    if (s?.assignment) recordVariantCall(s.assignment, r.ok ? r.value : undefined);
    if (!r.ok) return r;
    return ok(s ? r.value.map((e) => s.execution(this.ctx.managerId, e)) : r.value);
  }

  /** Never sent while the session moves: the new shell would run the keys as a command. */
  sendInput(sessionId: string, data: string, paneId?: string): Promise<BackendResult<void>> {
    return this.ctx.router.route(sessionId, paneId, false, (b, id, pane) => b.sendInput(id, data, pane));
  }

  interrupt(sessionId: string, paneId?: string): Promise<BackendResult<void>> {
    return this.ctx.router.route(sessionId, paneId, true, (b, id, pane) => b.interrupt(id, pane));
  }

  capture(sessionId: string, paneId?: string, options?: CaptureOptions): Promise<BackendResult<string>> {
    return this.ctx.router.route(sessionId, paneId, true, (b, id, pane) => b.capture(id, pane, options));
  }

  /**
   * Flow control, on the backend that holds the session now: `UNSUPPORTED` (not dispatched) when that
   * backend has no `flowControl`. A session that moves while paused arrives unpaused on its new backend.
   */
  pauseOutput(sessionId: string, paneId?: string): Promise<BackendResult<void>> {
    return this.ctx.router.route(sessionId, paneId, true, (b, id, pane) =>
      canPause(b) ? b.pauseOutput!(id, pane) : noFlowControl(b),
    );
  }

  resumeOutput(sessionId: string, paneId?: string): Promise<BackendResult<void>> {
    return this.ctx.router.route(sessionId, paneId, true, (b, id, pane) =>
      canPause(b) ? b.resumeOutput!(id, pane) : noFlowControl(b),
    );
  }

  async resize(sessionId: string, cols: number, rows: number, paneId?: string): Promise<BackendResult<void>> {
    const r = await this.ctx.router.route(sessionId, paneId, true, (b, id, pane) =>
      b.resize(id, cols, rows, pane),
    );
    const s = this.ctx.sessions.get(sessionId);
    if (r.ok && s) {
      s.cols = cols;
      s.rows = rows;
    }
    return r;
  }
}

/** A backend that declares flow control and has both methods. */
export function canPause(b: ITerminalBackend): boolean {
  return b.capabilities.flowControl === true && !!b.pauseOutput && !!b.resumeOutput;
}

function noLongCommands(b: ITerminalBackend): Promise<BackendResult<never>> {
  return Promise.resolve(
    fail('UNSUPPORTED', `backend ${b.id} (${b.type}) has no long commands`, { dispatched: false }),
  );
}

function noFlowControl(b: ITerminalBackend): Promise<BackendResult<void>> {
  return Promise.resolve(
    fail('UNSUPPORTED', `backend ${b.id} (${b.type}) has no flow control`, { dispatched: false }),
  );
}
