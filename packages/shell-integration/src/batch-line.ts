import {
  ok,
  type BackendResult,
  type CommandExecution,
  type CommandStatus,
  type ExecutionContext,
} from '@vth/core';
import { type CommandJob } from './command-job';
import { type RunnerState } from './runner-state';

/**
 * Types a batch as one line (one write, one round trip; a command reading stdin cannot swallow the next one)
 * when the dialect can write one: the first job carries the line, the others follow it once it ends by its
 * own end mark. Returns each command's result, or null when the dialect cannot (then run them in turn).
 */
export function typeBatchLine(
  s: RunnerState,
  commands: string[],
  context: ExecutionContext,
): Array<Promise<BackendResult<CommandExecution>>> | null {
  const results: Array<Promise<BackendResult<CommandExecution>>> = [];
  const jobs: CommandJob[] = [];
  for (const command of commands) {
    results.push(new Promise((resolve) => jobs.push(s.makeJob(command, context, resolve))));
  }
  const text =
    jobs.length > 1
      ? s.opts.dialect.commandBatch(
          jobs.map((j) => ({ id: j.wireId, command: j.command })),
          { tracing: s.tracing },
        )
      : null;
  if (text === null) return null;
  if (context.signal?.aborted) {
    for (const job of jobs) job.resolve(ok(s.unstarted(job, 'interrupted')));
  } else {
    const [first, ...rest] = jobs;
    first!.batch = { text, rest };
    first!.watch();
    s.queue.push(first!);
    s.pump();
  }
  return results;
}

/** The next command of the batch line takes the turn; the shell is already on its way to it. */
export function advanceBatchLine(s: RunnerState): void {
  const next = s.groupRest.shift()!;
  s.current = next;
  s.phase = 'dispatched';
  next.startedAt = Date.now();
  next.startedHr = performance.now();
  s.opts.onCommandStarted?.({
    commandId: next.id,
    command: next.command,
    startedAt: next.startedAt,
    context: next.context,
  });
  if (next.context.signal?.aborted) {
    s.escalation.stop(next, 'interrupted');
    return;
  }
  next.watch();
  next.resetIdleTimer();
}

/** The rest of a batch line will not run (Ctrl-C or the shell's end cut the line short). */
export function dropBatchLine(s: RunnerState, status: CommandStatus): void {
  for (const job of s.groupRest.splice(0)) s.settle(job, ok(s.unstarted(job, status)));
}
