import { expect } from '../expect';
import { type BackendResult } from '@vth/core';
import { useBackend } from '../backend-handle';
import { expectFailure, expectOk, expectSameText, pollUntil } from '../helpers';
import { type SuiteContext } from '../suite-context';
import { expectRunning, longBackend, readToEnd, withCompletions } from './long-command-checks';

const DEV_SERVER =
  "printf 'starting\\n'; sleep 0.3; printf 'ready on port 4000\\n'; while :; do printf 'served\\n'; sleep 0.1; done";

export function describeLongCommands(ctx: SuiteContext): void {
  ctx.api.describe('long commands (yieldAfterMs, readOutput, waitFor)', () => {
    const h = useBackend(ctx, 'long-commands');
    const long = ctx.requires('longCommands', 'shellFeatures.realShell');
    const yieldSoon = () => ({ yieldAfterMs: ctx.ms(200) });
    const wait = (ms: number) => ctx.ms(ms);

    long(
      'a dev server yields "running"; waitFor finds "ready"; readOutput goes on without replay; interrupt ends it',
      async () => {
        const backend = longBackend(h.backend());
        const session = await h.newSession();
        await withCompletions(backend, async (completed) => {
          const started = expectOk(
            await backend.executeCommand(session, DEV_SERVER, undefined, yieldSoon()),
            'executeCommand',
          );
          const handle = expectRunning(started, session);
          const ready = expectOk(
            await backend.waitFor(handle, { pattern: 'ready on port (\\d+)', timeoutMs: wait(10_000) }),
            'waitFor(pattern)',
          );
          expect({ reason: ready.reason, status: ready.status, match: ready.match?.text }).toEqual({
            reason: 'pattern',
            status: 'running',
            match: 'ready on port 4000',
          });
          expect(ready.output.slice(ready.output.indexOf('ready'))).toMatch(/^ready on port 4000\n/);
          expect(ready.match!.offset).toBe(Buffer.byteLength('starting\n'));
          // Everything from 0, then only what is new, twice over: offsets chain, "ready" never comes again.
          const first = expectOk(await backend.readOutput(handle, { sinceOffset: 0 }), 'readOutput(0)');
          expect(first.output.startsWith('starting\nready on port 4000\n')).toBe(true);
          let offset = first.nextOffset;
          for (let i = 0; i < 2; i++) {
            const next = expectOk(
              await backend.readOutput(handle, { sinceOffset: offset, waitMs: wait(5_000) }),
              'readOutput(next)',
            );
            expect({ offset: next.offset, skipped: next.skippedBytes }).toEqual({ offset, skipped: 0 });
            expect(next.output).toMatch(/^(served\n)+$/);
            offset = next.nextOffset;
          }
          expect(completed.filter((e) => e.id === started.id)).toEqual([]);
          expectOk(await backend.interrupt(session), 'interrupt');
          const ended = expectOk(
            await backend.waitFor(handle, { exit: true, timeoutMs: wait(10_000) }),
            'waitFor(exit)',
          );
          expect({ reason: ended.reason, status: ended.status }).toEqual({
            reason: 'exit',
            status: 'interrupted',
          });
          const final = expectOk(await backend.readOutput(handle, {}), 'readOutput after the end');
          expect(final.status).toBe('interrupted');
          expect(completed.filter((e) => e.id === started.id).map((e) => e.status)).toEqual(['interrupted']);
          await ctx.expectRun(backend, session, 'echo after', 'after\n');
        });
      },
    );

    long('a command that asks a question gets its answer through sendInput', async () => {
      const backend = longBackend(h.backend());
      const session = await h.newSession();
      const started = expectOk(
        await backend.executeCommand(
          session,
          `read -r -p 'Proceed? [y/N] ' answer; echo "answer:$answer"`,
          undefined,
          yieldSoon(),
        ),
        'executeCommand',
      );
      const handle = expectRunning(started, session);
      const asked = expectOk(
        await backend.waitFor(handle, { pattern: 'Proceed\\? \\[y/N\\] $', timeoutMs: wait(10_000) }),
        'waitFor(question)',
      );
      expect(asked.reason).toBe('pattern');
      expectOk(await backend.sendInput(session, 'yes\n'), 'sendInput');
      const { text, last } = await readToEnd(backend, handle, asked.nextOffset, wait(10_000));
      expectSameText(text, 'answer:yes\n');
      expect({ status: last.status, exitCode: last.exitCode }).toEqual({
        status: 'completed',
        exitCode: ctx.caps.exitCodes ? 0 : last.exitCode,
      });
    });

    long('an install-like stream is read to its end with offsets, its bytes exact', async () => {
      const backend = longBackend(h.backend());
      const session = await h.newSession();
      const command =
        'for i in $(seq 1 400); do echo "added package-$i@1.0.$i (é)"; ' +
        'if [ $((i % 80)) = 0 ]; then sleep 0.1; fi; done; echo done';
      let expected = '';
      for (let i = 1; i <= 400; i++) expected += `added package-${i}@1.0.${i} (é)\n`;
      expected += 'done\n';
      const started = expectOk(
        await backend.executeCommand(session, command, undefined, { yieldAfterMs: ctx.ms(50) }),
        'executeCommand',
      );
      const handle = expectRunning(started, session);
      // Small reads, so the stream is cut in many places (a character is never cut in two).
      const { text, last } = await readToEnd(backend, handle, started.nextOffset!, wait(20_000), 1000);
      expectSameText(started.output + text, expected);
      expect(last.nextOffset).toBe(Buffer.byteLength(expected));
      expect(last.status).toBe('completed');
      if (ctx.caps.exitCodes) expect(last.exitCode).toBe(0);
      if (ctx.caps.cwdTracking) expect(typeof last.cwd).toBe('string');
    });

    long('while a handle runs, commands answer BUSY with it; sendInput and interrupt reach it', async () => {
      const backend = longBackend(h.backend());
      const session = await h.newSession();
      const started = expectOk(
        await backend.executeCommand(
          session,
          'echo first; read line; echo "got:$line"; sleep 30',
          undefined,
          yieldSoon(),
        ),
        'executeCommand',
      );
      const handle = expectRunning(started, session);
      const busy = expectFailure(await backend.executeCommand(session, 'echo queued'), 'BUSY', {
        dispatched: false,
      });
      expect(busy.details?.handle).toBe(handle);
      const busyBatch = expectFailure(await backend.executeBatch(session, ['echo a', 'echo b']), 'BUSY', {
        dispatched: false,
      });
      expect(busyBatch.details?.handle).toBe(handle);
      const again = expectFailure(
        await backend.executeCommand(session, 'sleep 1', undefined, yieldSoon()),
        'BUSY',
        { dispatched: false },
      );
      expect(again.details?.handle).toBe(handle);
      expectOk(await backend.sendInput(session, 'hi\n'), 'sendInput');
      const got = expectOk(
        await backend.waitFor(handle, { pattern: 'got:hi\\n', timeoutMs: wait(10_000) }),
        'waitFor(got)',
      );
      expect(got.reason).toBe('pattern');
      const quiet = expectOk(
        await backend.waitFor(handle, { idleMs: 300, timeoutMs: wait(10_000) }),
        'waitFor(idle)',
      );
      expect({ reason: quiet.reason, status: quiet.status }).toEqual({ reason: 'idle', status: 'running' });
      expectOk(await backend.interrupt(session), 'interrupt');
      const ended = expectOk(
        await backend.waitFor(handle, { exit: true, timeoutMs: wait(10_000) }),
        'waitFor',
      );
      expect(ended.status).toBe('interrupted');
      await ctx.expectRun(backend, session, 'echo free', 'free\n');
    });

    long(
      "a chatty yielded command's final execution keeps at most maxOutputBytes; its handle reads every byte",
      async () => {
        const backend = longBackend(h.backend());
        const session = await h.newSession();
        await withCompletions(backend, async (completed) => {
          let expected = '';
          for (let i = 1; i <= 20_000; i++) expected += `${i}\n`;
          const started = expectOk(
            await backend.executeCommand(session, 'seq 1 20000; sleep 30', undefined, {
              yieldAfterMs: ctx.ms(200),
              maxOutputBytes: 1000,
            }),
            'executeCommand',
          );
          const handle = expectRunning(started, session);
          await backend.waitFor(handle, { pattern: '\\n20000\\n$', timeoutMs: wait(20_000) });
          const all = expectOk(
            await backend.readOutput(handle, { sinceOffset: 0, maxBytes: 1 << 20 }),
            'readOutput(0)',
          );
          expectSameText(all.output, expected);
          expectOk(await backend.interrupt(session), 'interrupt');
          const ended = expectOk(
            await backend.waitFor(handle, { exit: true, timeoutMs: wait(10_000) }),
            'waitFor(exit)',
          );
          const final = completed.find((e) => e.id === started.id);
          if (!final) throw new Error('no command-completed for the yielded command');
          expect(Buffer.byteLength(final.output)).toBeLessThanOrEqual(1000);
          // The same bytes, counted twice: what the handle read (with what Ctrl-C made the shell print).
          expect(Buffer.byteLength(final.output) + final.truncatedBytes).toBe(ended.nextOffset);
        });
      },
    );

    long(
      'a pattern that cannot be tested in time against hostile output is INVALID_INPUT; the session goes on',
      async () => {
        const backend = longBackend(h.backend());
        const session = await h.newSession();
        // 40 × "a" then "!": `(a+)+$` backtracks exponentially over it (seconds, in-process).
        const started = expectOk(
          await backend.executeCommand(
            session,
            "printf 'a%.0s' $(seq 1 40); printf '!'; sleep 30",
            undefined,
            {
              yieldAfterMs: ctx.ms(200),
            },
          ),
          'executeCommand',
        );
        const handle = expectRunning(started, session);
        const printed = expectOk(
          await backend.waitFor(handle, { pattern: 'a!', timeoutMs: wait(10_000) }),
          'waitFor(a!)',
        );
        expect(printed.reason).toBe('pattern');
        const slow = expectFailure(
          await backend.waitFor(handle, { pattern: '(a+)+$', timeoutMs: wait(10_000) }),
          'INVALID_INPUT',
          { dispatched: false },
        );
        expect(slow.message).toContain('options.pattern');
        expectOk(await backend.interrupt(session), 'interrupt');
        expectOk(await backend.waitFor(handle, { exit: true, timeoutMs: wait(10_000) }), 'waitFor(exit)');
        await ctx.expectRun(backend, session, 'echo fine', 'fine\n');
      },
    );

    long('a command that ends before yieldAfterMs answers as usual, with no handle', async () => {
      const backend = longBackend(h.backend());
      const session = await h.newSession();
      const execution = await ctx.run(backend, session, 'echo quick', { yieldAfterMs: ctx.ms(10_000) });
      ctx.expectCompleted(execution);
      expect({ output: execution.output, handle: execution.handle }).toEqual({
        output: 'quick\n',
        handle: undefined,
      });
    });

    long('waitFor times out as asked, with reason "timeout", not an error', async () => {
      const backend = longBackend(h.backend());
      const session = await h.newSession();
      const started = expectOk(
        await backend.executeCommand(session, 'sleep 30', undefined, yieldSoon()),
        'run',
      );
      const handle = expectRunning(started, session);
      const answer = expectOk(
        await backend.waitFor(handle, { pattern: 'never printed', timeoutMs: 300 }),
        'waitFor',
      );
      expect({ reason: answer.reason, status: answer.status }).toEqual({
        reason: 'timeout',
        status: 'running',
      });
      expectOk(await backend.interrupt(session), 'interrupt');
      expectOk(await backend.waitFor(handle, { exit: true, timeoutMs: wait(10_000) }), 'waitFor(exit)');
    });

    long(
      'destroySession ends the handle: a waiting call answers its final status, later calls SESSION_NOT_FOUND (dispatched)',
      async () => {
        const backend = longBackend(h.backend());
        const session = expectOk(await backend.createSession(), 'createSession').id;
        h.cleanUp(session);
        const started = expectOk(
          await backend.executeCommand(session, 'sleep 30', undefined, yieldSoon()),
          'run',
        );
        const handle = expectRunning(started, session);
        const waiting = backend.waitFor(handle, { exit: true, timeoutMs: wait(20_000) });
        expectOk(await backend.destroySession(session), 'destroySession');
        const ended = expectOk(await waiting, 'the waiting waitFor');
        expect({ reason: ended.reason, status: ended.status }).toEqual({
          reason: 'exit',
          status: 'interrupted',
        });
        expectFailure(await backend.readOutput(handle), 'SESSION_NOT_FOUND', { dispatched: true });
      },
    );

    long(
      'the shell exiting under a yielded command ends it: waiting calls get its end, later ones SESSION_NOT_FOUND (dispatched)',
      async () => {
        const backend = longBackend(h.backend());
        const session = expectOk(await backend.createSession(), 'createSession').id;
        h.cleanUp(session);
        const started = expectOk(
          await backend.executeCommand(session, 'echo leaving; read line; exit 3', undefined, yieldSoon()),
          'executeCommand',
        );
        const handle = expectRunning(started, session);
        const waiting = backend.waitFor(handle, { exit: true, timeoutMs: wait(20_000) });
        expectOk(await backend.sendInput(session, 'go\n'), 'sendInput');
        const ended = await waiting;
        // However the backend reports a shell that exited (completed with its code, or lost), it ended.
        if (ended.ok)
          expect({ reason: ended.value.reason, running: ended.value.status === 'running' }).toEqual({
            reason: 'exit',
            running: false,
          });
        else expect(ended.error.dispatched).toBe(true);
        const gone = await pollUntil(
          () => backend.readOutput(handle),
          (r) => !r.ok && r.error.code === 'SESSION_NOT_FOUND',
          { timeoutMs: wait(10_000) },
        );
        expectFailure(gone, 'SESSION_NOT_FOUND', { dispatched: true });
      },
    );

    ctx.requires('longCommands')(
      'unknown handles and bad options are refused with typed errors',
      async () => {
        const backend = longBackend(h.backend());
        const info = await h.newSessionInfo();
        const pane = info.panes[0] ?? '0';
        expectFailure(await backend.readOutput(`${info.id}:${pane}:no-such-command`), 'COMMAND_NOT_FOUND', {
          dispatched: false,
        });
        expectFailure(
          await backend.waitFor(`${info.id}:${pane}:no-such-command`, { exit: true, timeoutMs: 100 }),
          'COMMAND_NOT_FOUND',
        );
        expectFailure(await backend.readOutput('not a handle'), 'INVALID_INPUT', { dispatched: false });
        expectFailure(await backend.readOutput('no-such-session:0:cmd-1'), 'SESSION_NOT_FOUND');
        if (!ctx.shell.realShell) return;
        const started = expectOk(
          await backend.executeCommand(info.id, 'sleep 30', undefined, yieldSoon()),
          'run',
        );
        const handle = expectRunning(started, info.id);
        const refusals: Array<[string, Promise<BackendResult<unknown>>, string]> = [
          ['maxBytes 0', backend.readOutput(handle, { maxBytes: 0 }), 'options.maxBytes'],
          ['waitMs -1', backend.readOutput(handle, { waitMs: -1 }), 'options.waitMs'],
          [
            'sinceOffset past the end',
            backend.readOutput(handle, { sinceOffset: 1e9 }),
            'options.sinceOffset',
          ],
          ['no condition', backend.waitFor(handle, { timeoutMs: 100 }), 'pattern'],
          ['two conditions', backend.waitFor(handle, { exit: true, idleMs: 5, timeoutMs: 100 }), 'pattern'],
          ['bad regex', backend.waitFor(handle, { pattern: '(', timeoutMs: 100 }), 'options.pattern'],
          ['no timeout', backend.waitFor(handle, { exit: true } as never), 'options.timeoutMs'],
        ];
        for (const [what, call, path] of refusals) {
          const error = expectFailure(await call, 'INVALID_INPUT', { dispatched: false, what });
          expect(`${what}: ${error.message}`).toContain(path);
        }
        // The refusals harmed nothing: the command still runs and is followed.
        const still = expectOk(await backend.readOutput(handle), 'readOutput');
        expect(still.status).toBe('running');
        expectOk(await backend.interrupt(info.id), 'interrupt');
        expectOk(await backend.waitFor(handle, { exit: true, timeoutMs: wait(10_000) }), 'waitFor(exit)');
      },
    );
  });
}
