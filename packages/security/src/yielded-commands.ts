import { type CommandExecution, type ExecutionContext, type ITerminalBackend } from '@vth/core';

/** Yielded commands followed at once; beyond, the oldest is no longer followed (its end goes unaudited). */
const FOLLOWED = 1024;

/**
 * The commands a guard let through that yielded (`status: 'running'`, see `ExecutionContext.yieldAfterMs`):
 * audited as `running` when they yield, and again with their final outcome when the backend reports them
 * ended (`command-completed`), with the context of the call that started them. Listens to the backend only
 * while some command is followed.
 */
export class YieldedCommands {
  private readonly followed = new Map<string, { sessionId: string; context: ExecutionContext | undefined }>();
  private readonly onCompleted = (execution: CommandExecution) => this.completed(execution);

  constructor(
    private readonly backend: ITerminalBackend,
    private readonly ended: (execution: CommandExecution, context: ExecutionContext | undefined) => void,
  ) {}

  /** Follows a command that yielded until it ends. */
  follow(execution: CommandExecution, context: ExecutionContext | undefined): void {
    if (this.followed.size === 0) this.backend.on('command-completed', this.onCompleted);
    if (this.followed.size >= FOLLOWED) this.followed.delete(this.followed.keys().next().value!);
    this.followed.set(execution.id, { sessionId: execution.sessionId, context });
  }

  private completed(execution: CommandExecution): void {
    const entry = this.followed.get(execution.id);
    if (!entry || entry.sessionId !== execution.sessionId || execution.status === 'running') return;
    this.followed.delete(execution.id);
    if (this.followed.size === 0) this.backend.off('command-completed', this.onCompleted);
    this.ended(execution, entry.context);
  }
}
