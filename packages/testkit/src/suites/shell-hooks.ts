import { expect } from '../expect';
import { useBackend } from '../backend-handle';
import { expectOk, expectWellFormedResult } from '../helpers';
import { type SuiteContext } from '../suite-context';

/** A user's own shell settings must not break how commands end or what their output holds. */
export function describeShellHooks(ctx: SuiteContext): void {
  ctx.api.describe("the user's own shell settings", () => {
    const h = useBackend(ctx, 'shell settings');
    const bash = ctx.requires('shellFeatures.bash');

    bash('`set -u` then `echo $UNSET_XYZ` fails, and the next command works', async () => {
      const backend = h.backend();
      const session = await h.newSession();
      await ctx.expectRun(backend, session, 'set -u', '');
      const execution = await ctx.run(backend, session, 'echo $UNSET_XYZ');
      expect(execution.status).toBe('completed');
      if (execution.exitCode !== null) expect(execution.exitCode).not.toBe(0);
      expect(execution.output).toContain('UNSET_XYZ');
      await ctx.expectRun(backend, session, 'echo next', 'next\n');
      await ctx.expectRun(backend, session, 'echo "${UNSET_XYZ-still-unset}"', 'still-unset\n');
    });

    bash('`set -e; false` ends the shell without harming the backend: a new session works', async () => {
      const backend = h.backend();
      const session = await h.newSession();
      expectWellFormedResult(
        await backend.executeCommand(session, 'set -e; false'),
        'executeCommand(set -e; false)',
      );
      const next = await h.newSession();
      await ctx.expectRun(backend, next, 'echo fresh', 'fresh\n');
    });

    bash('`exec bash` completes, and the next command has exact output', async () => {
      const backend = h.backend();
      const session = await h.newSession();
      const execution = await ctx.run(backend, session, 'exec bash');
      expect(execution.status).toBe('completed');
      await ctx.expectRun(backend, session, 'echo after-exec', 'after-exec\n');
      const failed = await ctx.run(backend, session, 'false');
      ctx.expectCompleted(failed, 1);
      await ctx.expectRun(backend, session, 'echo again', 'again\n');
    });

    bash(
      'a user\'s PROMPT_COMMAND and PS1 do not reach the output: `echo clean` prints exactly "clean\\n"',
      async () => {
        const backend = h.backend();
        const session = await h.newSession();
        expectOk(
          await backend.executeCommand(session, "PROMPT_COMMAND='echo NOISE'; PS1='noisy> '; PS2='more> '"),
          'setting PROMPT_COMMAND and PS1',
        );
        await ctx.expectRun(backend, session, 'echo clean', 'clean\n');
        await ctx.expectRun(backend, session, 'echo clean', 'clean\n');
        await ctx.expectRun(backend, session, 'x=1\necho "$x"', '1\n');
      },
    );

    bash(
      '`source /etc/bash.bashrc 2>/dev/null; echo sourced` prints exactly "sourced\\n"; later output stays exact',
      async () => {
        const backend = h.backend();
        const session = await h.newSession();
        await ctx.expectRun(
          backend,
          session,
          'source /etc/bash.bashrc 2>/dev/null; echo sourced',
          'sourced\n',
        );
        await ctx.expectRun(backend, session, 'echo after', 'after\n');
      },
    );
  });
}
