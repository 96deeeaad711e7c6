import { expect } from '../expect';
import { useBackend } from '../backend-handle';
import { expectOk, expectSameText } from '../helpers';
import { type SuiteContext } from '../suite-context';

export function describeConcurrency(ctx: SuiteContext): void {
  ctx.api.describe('concurrent calls', () => {
    const h = useBackend(ctx, 'concurrent calls');

    ctx.realShell(
      'two commands on one session, the second sent before the first ends, both run in call order',
      async () => {
        const backend = h.backend();
        const session = await h.newSession();
        const finished: string[] = [];
        const first = backend.executeCommand(session, 'sleep 0.3; echo one').then((r) => {
          finished.push('one');
          return r;
        });
        const second = backend.executeCommand(session, 'echo two').then((r) => {
          finished.push('two');
          return r;
        });
        const [a, b] = [
          expectOk(await first, 'the first command'),
          expectOk(await second, 'the second command'),
        ];
        ctx.expectCompleted(a);
        ctx.expectCompleted(b);
        expectSameText(a.output, 'one\n', 'the first output');
        expectSameText(b.output, 'two\n', 'the second output');
        expect(finished).toEqual(['one', 'two']);
        expect(b.startedAt).toBeGreaterThanOrEqual(a.startedAt);
      },
    );

    ctx.test(
      'ten commands queued on one session without waiting all run, in order, each with its own output',
      async () => {
        const backend = h.backend();
        const session = await h.newSession();
        const runs = Array.from({ length: 10 }, (_, i) => backend.executeCommand(session, `echo n${i}`));
        const executions = (await Promise.all(runs)).map((r, i) => expectOk(r, `command ${i}`));
        executions.forEach((execution, i) => {
          ctx.expectCompleted(execution);
          expectSameText(execution.output, `n${i}\n`, `the output of command ${i}`);
        });
      },
    );

    ctx.realShell('commands in 5 sessions at once all succeed with their own output', async () => {
      const backend = h.backend();
      const sessions = await Promise.all(Array.from({ length: 5 }, () => h.newSession()));
      const executions = await Promise.all(
        sessions.map((session, i) => ctx.run(backend, session, `echo begin-${i}; sleep 0.2; echo end-${i}`)),
      );
      executions.forEach((execution, i) => {
        ctx.expectCompleted(execution);
        expectSameText(execution.output, `begin-${i}\nend-${i}\n`, `the output of session ${i}`);
      });
    });
  });
}
