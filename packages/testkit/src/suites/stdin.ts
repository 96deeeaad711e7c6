import { useBackend } from '../backend-handle';
import { expectOk, expectSameText } from '../helpers';
import { type SuiteContext } from '../suite-context';

export function describeStdin(ctx: SuiteContext): void {
  ctx.api.describe('input to a running command', () => {
    const h = useBackend(ctx, 'input');
    const withInput = ctx.requires('sendInput', 'shellFeatures.realShell');

    withInput(
      '`read line; echo "got:$line"` then sendInput("hello\\n") prints exactly "got:hello\\n"',
      async () => {
        const backend = h.backend();
        const session = await h.newSession();
        const pending = backend.executeCommand(session, 'read line; echo "got:$line"');
        expectOk(await backend.sendInput(session, 'hello\n'), 'sendInput');
        const execution = expectOk(await pending, 'executeCommand');
        ctx.expectCompleted(execution);
        expectSameText(execution.output, 'got:hello\n');
        await ctx.expectRun(backend, session, 'echo after', 'after\n');
      },
    );

    withInput('`head -n 2` fed two lines by one sendInput prints them exactly', async () => {
      const backend = h.backend();
      const session = await h.newSession();
      const pending = backend.executeCommand(session, 'head -n 2');
      expectOk(await backend.sendInput(session, 'first line\nsecond line\n'), 'sendInput');
      const execution = expectOk(await pending, 'executeCommand');
      ctx.expectCompleted(execution);
      expectSameText(execution.output, 'first line\nsecond line\n');
      await ctx.expectRun(backend, session, 'echo after', 'after\n');
    });
  });
}
