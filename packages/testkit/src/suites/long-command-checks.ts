import { expect } from '../expect';
import { type CommandExecution, type CommandOutput, type ITerminalBackend } from '@vth/core';
import { expectOk, preview } from '../helpers';

/** A backend with the optional long-command methods. */
export type LongBackend = ITerminalBackend & Required<Pick<ITerminalBackend, 'readOutput' | 'waitFor'>>;

/** The backend, asserted to have `readOutput` and `waitFor` (it claims `capabilities.longCommands`). */
export function longBackend(backend: ITerminalBackend): LongBackend {
  if (typeof backend.readOutput !== 'function' || typeof backend.waitFor !== 'function') {
    throw new Error('capabilities.longCommands is true but the backend has no readOutput/waitFor');
  }
  return backend as LongBackend;
}

/** Asserts a yielded execution: `running`, with a handle naming its session and the offset past its output. */
export function expectRunning(execution: CommandExecution, sessionId: string): string {
  const problems: string[] = [];
  if (execution.status !== 'running') problems.push(`status is ${preview(execution.status)}`);
  if (execution.exitCode !== null) problems.push(`exitCode is ${preview(execution.exitCode)}`);
  if (typeof execution.handle !== 'string' || !execution.handle.startsWith(`${sessionId}:`)) {
    problems.push(`handle is ${preview(execution.handle)}`);
  }
  if (execution.nextOffset !== Buffer.byteLength(execution.output) + execution.truncatedBytes) {
    problems.push(`nextOffset is ${preview(execution.nextOffset)} after ${preview(execution.output)}`);
  }
  if (problems.length > 0) {
    throw new Error(`${preview(execution.command, 60)} did not yield as running: ${problems.join('; ')}`);
  }
  return execution.handle!;
}

/**
 * Reads a command's output with `readOutput` from `from` until it ended and nothing is left, asserting that
 * every answer starts where the previous one stopped (nothing replayed, nothing skipped).
 */
export async function readToEnd(
  backend: LongBackend,
  handle: string,
  from: number,
  deadlineMs: number,
  maxBytes?: number,
): Promise<{ text: string; last: CommandOutput }> {
  const deadline = Date.now() + deadlineMs;
  let offset = from;
  let text = '';
  for (;;) {
    const answer = expectOk(
      await backend.readOutput(handle, {
        sinceOffset: offset,
        waitMs: 1000,
        ...(maxBytes ? { maxBytes } : {}),
      }),
      `readOutput(${offset})`,
    );
    expect({ offset: answer.offset, skippedBytes: answer.skippedBytes }).toEqual({ offset, skippedBytes: 0 });
    expect(answer.nextOffset).toBe(offset + Buffer.byteLength(answer.output));
    text += answer.output;
    offset = answer.nextOffset;
    if (answer.status !== 'running' && answer.output === '') return { text, last: answer };
    if (Date.now() > deadline)
      throw new Error(`the command still runs after ${deadlineMs} ms: ${preview(text)}`);
  }
}

/** Runs `body` with the `command-completed` events the backend emits meanwhile. */
export async function withCompletions(
  backend: ITerminalBackend,
  body: (completed: CommandExecution[]) => Promise<void>,
): Promise<void> {
  const completed: CommandExecution[] = [];
  const onCompleted = (e: CommandExecution) => completed.push(e);
  backend.on('command-completed', onCompleted);
  try {
    await body(completed);
  } finally {
    backend.off('command-completed', onCompleted);
  }
}
