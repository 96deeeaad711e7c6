import { fail, ok, type BackendResult, type CommandExecution, type ExecutionContext } from '@vth/core';
import { createId } from '@vth/core/kit';
import { commandExecutionSchema, requestIdSchema, type OperationName } from '@vth/protocol';
import { z } from 'zod';
import { type RemoteLink } from './remote-link';

/** What a runner reports to its backend. */
export interface RunnerHooks {
  backendId(): string;
  /** A command the server ran (started and completed events, metrics, the session's cwd). */
  ran(execution: CommandExecution, context: ExecutionContext): void;
  /** A command that yielded (`status: 'running'`, a handle): it goes on on the server. */
  yielded(execution: CommandExecution, context: ExecutionContext): void;
}

const executionsSchema = z.array(commandExecutionSchema);

/** The limits and audit fields of a call, as the operation takes them. */
function limits(context: ExecutionContext): Record<string, unknown> {
  return {
    ...(context.timeoutMs === undefined ? {} : { timeoutMs: context.timeoutMs }),
    ...(context.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: context.idleTimeoutMs }),
    ...(context.maxOutputBytes === undefined ? {} : { maxOutputBytes: context.maxOutputBytes }),
    ...(context.source === undefined ? {} : { source: context.source }),
    ...(context.yieldAfterMs === undefined ? {} : { yieldAfterMs: context.yieldAfterMs }),
  };
}

/**
 * The id every attempt of one call carries: the caller's `requestId` when the server can take it as one,
 * else a fresh one. The server's ledger answers a repeat with the first answer, so a retry never runs twice.
 */
function requestIdOf(context: ExecutionContext): string {
  const given = context.requestId;
  return given !== undefined && requestIdSchema.safeParse(given).success ? given : createId('r');
}

/**
 * Runs the commands of one session pane on the server: `command.execute` / `command.batch` (streamed when
 * the caller wants output as it comes), input and interrupts as operations; an abort of the call's signal
 * interrupts the command on the server.
 */
export class RemoteRunner {
  constructor(
    private readonly link: RemoteLink,
    private readonly hooks: RunnerHooks,
    readonly sessionId: string,
    readonly paneId: string,
    /** The pane as the caller named it (none: the server's default pane, as a local call would get). */
    readonly wirePane: string | undefined,
    private readonly session: { cwd: string | undefined; closed: boolean },
  ) {}

  get cwd(): string | undefined {
    return this.session.cwd;
  }

  get closed(): boolean {
    return this.session.closed;
  }

  async execute(command: string, context: ExecutionContext): Promise<BackendResult<CommandExecution>> {
    if (context.signal?.aborted) return ok(this.notRun(command));
    const result = await this.run('command.execute', { command }, context, commandExecutionSchema);
    if (!result.ok) return result;
    return ok(this.adopt(result.value, context));
  }

  async executeBatch(
    commands: string[],
    context: ExecutionContext,
  ): Promise<BackendResult<CommandExecution[]>> {
    if (context.signal?.aborted) return ok(commands.map((c) => this.notRun(c)));
    const result = await this.run('command.batch', { commands }, context, executionsSchema);
    if (!result.ok) return result;
    return ok(result.value.map((e) => this.adopt(e, context)));
  }

  input(data: string): Promise<BackendResult<void>> {
    return this.simple('session.input', { data });
  }

  interruptNow(): Promise<BackendResult<void>> {
    return this.simple('session.interrupt', {});
  }

  /** `SessionRunner` shape; the backend calls `input` and `interruptNow`, which report failures. */
  sendInput(data: string): void {
    void this.input(data);
  }

  interrupt(): void {
    void this.interruptNow();
  }

  /** The session and pane as the operation takes them. */
  target(): Record<string, unknown> {
    return { sessionId: this.sessionId, ...(this.wirePane === undefined ? {} : { paneId: this.wirePane }) };
  }

  private async simple(op: OperationName, params: Record<string, unknown>): Promise<BackendResult<void>> {
    const r = await this.link.request(op, { ...this.target(), ...params }, createId('r'));
    return r.ok ? ok() : r;
  }

  private async run<T>(
    op: 'command.execute' | 'command.batch',
    params: Record<string, unknown>,
    context: ExecutionContext,
    schema: z.ZodType<T>,
  ): Promise<BackendResult<T>> {
    const onOutput = context.onOutput;
    const tell = onOutput
      ? (chunk: string) => {
          try {
            onOutput(chunk);
          } catch {
            // The caller's callback failing is the caller's business, not the command's.
          }
        }
      : undefined;
    const signal = context.signal;
    const abort = () => void this.interruptNow();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      const result = await this.link.request(
        op,
        { ...this.target(), ...params, ...limits(context), ...(tell ? { stream: true } : {}) },
        requestIdOf(context),
        tell,
      );
      if (!result.ok) return result;
      const parsed = schema.safeParse(result.value);
      if (!parsed.success)
        return fail('INTERNAL', `the server answered ${op} with a malformed value`, {
          dispatched: true,
          backendId: this.hooks.backendId(),
        });
      return ok(parsed.data);
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  }

  private adopt(wire: z.infer<typeof commandExecutionSchema>, context: ExecutionContext): CommandExecution {
    const execution: CommandExecution = { ...wire, backendId: this.hooks.backendId() };
    if (execution.status === 'running' && execution.handle !== undefined) {
      this.hooks.yielded(execution, context);
      return execution;
    }
    if (execution.cwd !== undefined) this.session.cwd = execution.cwd;
    this.hooks.ran(execution, context);
    return execution;
  }

  /** A command whose signal was aborted before it was sent: it never ran. */
  private notRun(command: string): CommandExecution {
    return {
      id: createId('c'),
      sessionId: this.sessionId,
      paneId: this.paneId,
      command,
      status: 'interrupted',
      exitCode: null,
      output: '',
      truncatedBytes: 0,
      startedAt: Date.now(),
      durationMs: 0,
      backendId: this.hooks.backendId(),
    };
  }
}
