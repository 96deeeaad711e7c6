import { randomBytes } from 'node:crypto';
import { expect } from '../expect';
import { type CommandExecution, type ITerminalBackend } from '@vth/core';
import { useBackend } from '../backend-handle';
import { expectOk, expectWellFormedResult, watchOutput } from '../helpers';
import { type SuiteContext } from '../suite-context';

/** An exit code is never invented: absent, or one a signal-ended shell job really reports. */
function expectHonestExitCode(execution: CommandExecution, allowed: number[]): void {
  if (execution.exitCode !== null) expect(allowed).toContain(execution.exitCode);
}

export function describeCancellation(ctx: SuiteContext): void {
  ctx.api.describe('interrupt, timeouts and abort signals', () => {
    const h = useBackend(ctx, 'cancellation');
    // A bound for the command after a cancelled one: if the cancelled `sleep 30` still ran, it would wait.
    const followUp = () => ({ timeoutMs: ctx.ms(10_000) });
    const expectUsable = (backend: ITerminalBackend, session: string) =>
      ctx.expectRun(backend, session, 'echo usable', 'usable\n', followUp());

    ctx.requires('interrupt', 'shellFeatures.realShell')(
      '`echo started; sleep 30` interrupted ends "interrupted" with exit code 130 and its output; the next command works',
      async () => {
        const backend = h.backend();
        const session = await h.newSession();
        const watch = watchOutput();
        const pending = backend.executeCommand(session, 'echo started; sleep 30', undefined, {
          onOutput: watch.onOutput,
        });
        await watch.waitFor('started', ctx.ms(10_000));
        expectOk(await backend.interrupt(session), 'interrupt');
        const execution = expectOk(await pending, 'the interrupted executeCommand');
        expect(execution.status).toBe('interrupted');
        if (ctx.caps.exitCodes) expect(execution.exitCode).toBe(130);
        expect(execution.output).toContain('started');
        await expectUsable(backend, session);
      },
    );

    ctx.requires('interrupt')(
      'interrupt on an idle session resolves with a result and harms nothing',
      async () => {
        const backend = h.backend();
        const session = await h.newSession();
        await ctx.expectRun(backend, session, 'echo before', 'before\n');
        expectWellFormedResult(await backend.interrupt(session), 'interrupt');
        await expectUsable(backend, session);
      },
    );

    ctx.realShell(
      'timeoutMs ends `echo partial; sleep 30` "timed-out" with its partial output; the session keeps working',
      async () => {
        const backend = h.backend();
        const session = await h.newSession();
        const execution = await ctx.run(backend, session, 'echo partial; sleep 30', {
          timeoutMs: ctx.ms(1_000),
        });
        expect(execution.status).toBe('timed-out');
        expect(execution.output).toContain('partial');
        expectHonestExitCode(execution, [130, 143]);
        await expectUsable(backend, session);
      },
    );

    ctx.realShell('idleTimeoutMs ends a command that prints once then stays silent "timed-out"', async () => {
      const backend = h.backend();
      const session = await h.newSession();
      const execution = await ctx.run(backend, session, 'echo once; sleep 30', {
        idleTimeoutMs: ctx.ms(1_000),
      });
      expect(execution.status).toBe('timed-out');
      expect(execution.output).toContain('once');
      expectHonestExitCode(execution, [130, 143]);
      await expectUsable(backend, session);
    });

    ctx.test('a command that ends within its timeoutMs completes normally', async () => {
      const session = await h.newSession();
      await ctx.expectRun(h.backend(), session, 'echo in-time', 'in-time\n', {
        timeoutMs: ctx.ms(20_000),
        idleTimeoutMs: ctx.ms(20_000),
      });
    });

    ctx.requires('interrupt', 'shellFeatures.realShell')(
      'aborting the signal of a running `sleep 30` ends it "interrupted"; the session keeps working',
      async () => {
        const backend = h.backend();
        const session = await h.newSession();
        const controller = new AbortController();
        const watch = watchOutput();
        const pending = backend.executeCommand(session, 'echo started; sleep 30', undefined, {
          signal: controller.signal,
          onOutput: watch.onOutput,
        });
        await watch.waitFor('started', ctx.ms(10_000));
        controller.abort();
        const execution = expectOk(await pending, 'the aborted executeCommand');
        expect(execution.status).toBe('interrupted');
        expect(execution.output).toContain('started');
        expectHonestExitCode(execution, [130, 143]);
        await expectUsable(backend, session);
      },
    );

    ctx.realShell('an already-aborted signal ends the command "interrupted" without running it', async () => {
      const backend = h.backend();
      const session = await h.newSession();
      const file = `/tmp/vth-conf-aborted-${randomBytes(6).toString('hex')}`;
      const controller = new AbortController();
      controller.abort();
      const execution = await ctx.run(backend, session, `touch ${file}`, { signal: controller.signal });
      expect(execution.status).toBe('interrupted');
      expect(execution.exitCode).toBeNull();
      await ctx.expectRun(
        backend,
        session,
        `test -e ${file} && echo ran || echo did-not-run`,
        'did-not-run\n',
      );
    });
  });
}
