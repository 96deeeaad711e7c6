import { expect } from '../expect';
import { useBackend } from '../backend-handle';
import { expectOk, expectSameText } from '../helpers';
import { type SuiteContext, expectExecutionShape } from '../suite-context';

export function describeCommands(ctx: SuiteContext): void {
  ctx.api.describe('exit codes and batches', () => {
    const h = useBackend(ctx, 'exit codes and batches');

    const exitCodeCases: Array<[command: string, exitCode: number, realShell?: boolean]> = [
      ['true', 0],
      ['false', 1],
      ['exit_2() { return 2; }; exit_2', 2, true],
      ['sh -c "exit 3"', 3, true],
    ];
    for (const [command, exitCode, realShell] of exitCodeCases) {
      ctx.requires('exitCodes', ...(realShell ? (['shellFeatures.realShell'] as const) : []))(
        `\`${command}\` completes with exit code ${exitCode}`,
        async () => {
          const session = await h.newSession();
          const execution = await ctx.run(h.backend(), session, command);
          expect({
            status: execution.status,
            exitCode: execution.exitCode,
            output: execution.output,
          }).toEqual({
            status: 'completed',
            exitCode,
            output: '',
          });
        },
      );
    }

    ctx.requires('exitCodes')(
      'an unknown command completes with exit code 127 and says "not found"',
      async () => {
        const session = await h.newSession();
        const execution = await ctx.run(h.backend(), session, 'this-command-does-not-exist-xyz');
        expect({ status: execution.status, exitCode: execution.exitCode }).toEqual({
          status: 'completed',
          exitCode: 127,
        });
        expect(execution.output).toMatch(/not found/i);
      },
    );

    ctx.test(
      'every execution has its own id and reports the session, pane, command and backend',
      async () => {
        const backend = h.backend();
        const info = await h.newSessionInfo();
        const first = await ctx.expectRun(backend, info.id, 'echo first', 'first\n');
        const second = await ctx.expectRun(backend, info.id, 'echo second', 'second\n');
        expect(first.id).not.toBe(second.id);
        expect(info.panes).toContain(first.paneId);
      },
    );

    ctx.test(
      "executeBatch(['echo a', 'false', 'echo c']) runs all three: outputs exact, exit codes 0, 1, 0",
      async () => {
        const backend = h.backend();
        const session = await h.newSession();
        const commands = ['echo a', 'false', 'echo c'];
        const executions = expectOk(await backend.executeBatch(session, commands), 'executeBatch');
        expect(executions).toHaveLength(3);
        executions.forEach((execution, i) => {
          expectExecutionShape(execution, {
            sessionId: session,
            command: commands[i]!,
            backendId: backend.id,
          });
          expect(execution.status).toBe('completed');
        });
        expectSameText(executions[0]!.output, 'a\n');
        expectSameText(executions[1]!.output, '');
        expectSameText(executions[2]!.output, 'c\n');
        if (ctx.caps.exitCodes) expect(executions.map((e) => e.exitCode)).toEqual([0, 1, 0]);
        expect(new Set(executions.map((e) => e.id)).size).toBe(3);
      },
    );
  });
}
