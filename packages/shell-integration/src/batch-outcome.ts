import { BackendError, fail, ok, type BackendResult, type CommandExecution } from '@vth/core';

/**
 * How a batch that stopped at `error` fails: with that error's code and message, the executions before it
 * in `details.executions`, and dispatched as soon as one command of the batch ran (retrying the batch
 * elsewhere would run that one twice).
 *
 * @example `if (!result.ok) return batchFailure(result.error, executions);`
 */
export function batchFailure(error: BackendError, executions: CommandExecution[]): BackendResult<never> {
  return fail(
    new BackendError(error.code, error.message, {
      dispatched: error.dispatched || executions.length > 0,
      ...(error.backendId === undefined ? {} : { backendId: error.backendId }),
      cause: error,
      details: { ...error.details, executions },
    }),
  );
}

/**
 * Runs a batch one command after another, each once the one before it ended; the first failure ends the
 * batch (see {@link batchFailure}).
 *
 * @example `return runInTurn(commands, (command) => this.execute(command, context));`
 */
export async function runInTurn(
  commands: readonly string[],
  run: (command: string) => Promise<BackendResult<CommandExecution>>,
): Promise<BackendResult<CommandExecution[]>> {
  const executions: CommandExecution[] = [];
  for (const command of commands) {
    const result = await run(command);
    if (!result.ok) return batchFailure(result.error, executions);
    executions.push(result.value);
  }
  return ok(executions);
}
