import { type ITerminalBackend, type BackendResult, type CommandExecution } from '@vth/core';
import { expect } from '../expect';
import { expectFailure, expectOk, expectWellFormedResult, settleWithin, watchOutput } from '../helpers';
import { type SuiteContext } from '../suite-context';
import { sessionCalls, type BackendCall } from './backend-calls';

const LABEL = 'lifecycle';

/** Calls that need an initialized backend: every session-level method plus the backend-level ones. */
function allCalls(ctx: SuiteContext, backend: ITerminalBackend, sessionId: string): BackendCall[] {
  return [
    ['createSession', () => backend.createSession()],
    ['listSessions', () => backend.listSessions()],
    ...sessionCalls(backend, ctx.caps, sessionId),
    ['destroySession', () => backend.destroySession(sessionId)],
  ];
}

async function expectAllNotInitialized(calls: BackendCall[]): Promise<void> {
  for (const [name, call] of calls) {
    expectFailure(await call(), 'NOT_INITIALIZED', { dispatched: false, what: name });
  }
}

/** Lifecycle tests own their backends: each creates, initializes and shuts down its own. */
export function describeLifecycle(ctx: SuiteContext): void {
  ctx.api.describe('lifecycle', () => {
    ctx.test('exposes a non-empty id and type, and the capabilities the suite was planned with', async () => {
      const backend = await ctx.newBackend();
      try {
        expect(typeof backend.id).toBe('string');
        expect(backend.id).not.toBe('');
        expect(typeof backend.type).toBe('string');
        expect(backend.type).not.toBe('');
        expect(backend.capabilities).toEqual(ctx.caps);
      } finally {
        await ctx.leaks.observe(LABEL);
        await backend.shutdown();
      }
    });

    ctx.test('answers NOT_INITIALIZED (dispatched: false) to every call before initialize', async () => {
      const backend = await ctx.options.create();
      try {
        await expectAllNotInitialized(allCalls(ctx, backend, 'conf-before-init'));
      } finally {
        await backend.shutdown();
      }
    });

    ctx.test('accepts initialize twice (idempotent) and still works', async () => {
      const backend = await ctx.newBackend();
      try {
        expectOk(await backend.initialize(ctx.options.config ?? {}), 'the second initialize');
        const session = expectOk(await backend.createSession(), 'createSession');
        await ctx.expectRun(backend, session.id, 'echo twice', 'twice\n');
      } finally {
        await ctx.leaks.observe(LABEL);
        await backend.shutdown();
      }
    });

    ctx.test('resolves shutdown twice, then answers NOT_INITIALIZED to every call', async () => {
      const backend = await ctx.newBackend();
      let sessionId = 'conf-after-shutdown';
      try {
        sessionId = expectOk(await backend.createSession(), 'createSession').id;
        await ctx.expectRun(backend, sessionId, 'echo before', 'before\n');
        await ctx.leaks.observe(LABEL);
      } finally {
        await backend.shutdown();
      }
      await backend.shutdown();
      await expectAllNotInitialized(allCalls(ctx, backend, sessionId));
    });

    ctx.test('leaves no resources behind after shutdown (listLeaks is empty within 5 s)', async () => {
      const backend = await ctx.newBackend();
      try {
        for (const word of ['one', 'two']) {
          const session = expectOk(await backend.createSession(), 'createSession');
          await ctx.expectRun(backend, session.id, `echo ${word}`, `${word}\n`);
        }
        await ctx.leaks.observe(LABEL);
      } finally {
        await backend.shutdown();
      }
      expect(await ctx.leaks.settle(ctx.ms(5_000))).toEqual([]);
    });

    ctx.realShell(
      'shutdown ends background and foreground processes of 3 sessions and settles their pending commands',
      async () => {
        const backend = await ctx.newBackend();
        const pending: Promise<BackendResult<CommandExecution>>[] = [];
        try {
          for (let i = 0; i < 3; i++) {
            const session = expectOk(await backend.createSession(), 'createSession');
            const background = await ctx.run(backend, session.id, 'sleep 1000 &');
            expect(background.status).toBe('completed');
            const watch = watchOutput();
            pending.push(
              backend.executeCommand(session.id, 'echo go; sleep 1000', undefined, {
                onOutput: watch.onOutput,
              }),
            );
            // Best effort: shut down while `sleep 1000` runs in the foreground, not before it started.
            await watch.waitFor('go', ctx.ms(5_000));
          }
          await ctx.leaks.observe(LABEL);
        } finally {
          await backend.shutdown();
        }
        for (const [i, command] of pending.entries()) {
          const settled = await settleWithin(command, ctx.ms(10_000));
          if (settled.state !== 'resolved') {
            throw new Error(
              `the pending "sleep 1000" of session ${i + 1} ${settled.state === 'pending' ? 'did not settle' : 'rejected'} after shutdown`,
            );
          }
          expectWellFormedResult(settled.value, `the pending command of session ${i + 1}`);
        }
        expect(await ctx.leaks.settle(ctx.ms(5_000))).toEqual([]);
      },
    );
  });
}
