import { randomBytes } from 'node:crypto';
import { expect } from '../expect';
import { type BackendErrorCode, type BackendResult, type ITerminalBackend } from '@vth/core';
import { useBackend } from '../backend-handle';
import { expectFailure, expectOk, expectWellFormedResult, preview } from '../helpers';
import { type SuiteContext } from '../suite-context';
import { sessionCalls, type BackendCall } from './backend-calls';
import { expectAll } from './expect-all';
import { describeHostileArguments } from './hostile-arguments';

// Deliberately ill-typed arguments: a public method must answer them with a result, never throw.
/* eslint-disable @typescript-eslint/no-explicit-any */

const MALFORMED_SESSION_IDS: unknown[] = ['', 'a b', 'a;b', '../x', 123, null];
const MALFORMED_PANE_IDS: unknown[] = ['', 'a b', 'a;b', '../x', 123];

function failsWith(code: BackendErrorCode, what: string, call: () => Promise<BackendResult<unknown>>) {
  return [
    what,
    async () => {
      expectFailure(await call(), code, { dispatched: false, what });
    },
  ] as [string, () => Promise<void>];
}

export function describeErrors(ctx: SuiteContext): void {
  ctx.api.describe('typed errors', () => {
    const h = useBackend(ctx, 'typed errors');
    const missing = `conf-missing-${randomBytes(4).toString('hex')}`;
    let session = '';
    ctx.api.beforeAll(async () => {
      session = expectOk(await h.backend().createSession(), 'createSession').id;
    }, ctx.testTimeout);

    const callsFor = (backend: ITerminalBackend, sessionId: any, paneId?: any): BackendCall[] =>
      sessionCalls(backend, ctx.caps, sessionId, paneId);

    ctx.test(
      'an unknown session id answers SESSION_NOT_FOUND (dispatched: false) from every method',
      async () => {
        const backend = h.backend();
        await expectAll([
          ...callsFor(backend, missing).map(([name, call]) => failsWith('SESSION_NOT_FOUND', name, call)),
          failsWith('SESSION_NOT_FOUND', 'destroySession', () => backend.destroySession(missing)),
        ]);
      },
    );

    ctx.test(
      "an unknown pane id ('%999') answers PANE_NOT_FOUND (dispatched: false) from every method",
      async () => {
        const backend = h.backend();
        await expectAll(
          callsFor(backend, session, '%999').map(([name, call]) => failsWith('PANE_NOT_FOUND', name, call)),
        );
      },
    );

    ctx.test(
      "malformed session ids ('', 'a b', 'a;b', '../x', 123, null) answer INVALID_INPUT from every method",
      async () => {
        const backend = h.backend();
        await expectAll(
          MALFORMED_SESSION_IDS.flatMap((id) => [
            ...callsFor(backend, id).map(([name, call]) =>
              failsWith('INVALID_INPUT', `${name}(${preview(id)})`, call),
            ),
            failsWith('INVALID_INPUT', `destroySession(${preview(id)})`, () =>
              backend.destroySession(id as any),
            ),
            failsWith('INVALID_INPUT', `createSession({ sessionId: ${preview(id)} })`, () =>
              backend.createSession({ sessionId: id as any }),
            ),
          ]),
        );
      },
    );

    ctx.test(
      "malformed pane ids ('', 'a b', 'a;b', '../x', 123) answer INVALID_INPUT from every method",
      async () => {
        const backend = h.backend();
        await expectAll(
          MALFORMED_PANE_IDS.flatMap((pane) =>
            callsFor(backend, session, pane).map(([name, call]) =>
              failsWith('INVALID_INPUT', `${name}(session, pane ${preview(pane)})`, call),
            ),
          ),
        );
      },
    );

    ctx.realShell(
      'a command with a NUL byte, or not a string, answers INVALID_INPUT; a bad batch runs nothing',
      async () => {
        const backend = h.backend();
        const file = `/tmp/vth-conf-batch-${randomBytes(6).toString('hex')}`;
        await expectAll([
          failsWith('INVALID_INPUT', "executeCommand('echo \\0')", () =>
            backend.executeCommand(session, 'echo \0'),
          ),
          failsWith('INVALID_INPUT', 'executeCommand(123)', () =>
            backend.executeCommand(session, 123 as any),
          ),
          failsWith('INVALID_INPUT', 'executeCommand(undefined)', () =>
            backend.executeCommand(session, undefined as any),
          ),
          failsWith('INVALID_INPUT', "executeBatch([`touch ${file}`, 'echo \\0'])", () =>
            backend.executeBatch(session, [`touch ${file}`, 'echo \0']),
          ),
          failsWith('INVALID_INPUT', 'executeBatch([`touch ${file}`, 123])', () =>
            backend.executeBatch(session, [`touch ${file}`, 123 as any]),
          ),
          failsWith('INVALID_INPUT', "executeBatch('echo a')", () =>
            backend.executeBatch(session, 'echo a' as any),
          ),
        ]);
        await ctx.expectRun(
          backend,
          session,
          `test -e ${file} && echo ran || echo did-not-run`,
          'did-not-run\n',
        );
      },
    );

    ctx.test('a malformed ExecutionContext answers INVALID_INPUT (timeoutMs: -5, ...)', async () => {
      const backend = h.backend();
      const contexts: unknown[] = [
        { timeoutMs: -5 },
        { timeoutMs: 'soon' },
        { idleTimeoutMs: 0 },
        { maxOutputBytes: -1 },
        { signal: {} },
        { onOutput: 'not a function' },
      ];
      await expectAll([
        ...contexts.map((context) =>
          failsWith('INVALID_INPUT', `executeCommand(..., ${preview(context)})`, () =>
            backend.executeCommand(session, 'echo hi', undefined, context as any),
          ),
        ),
        failsWith('INVALID_INPUT', 'executeBatch(..., { timeoutMs: -5 })', () =>
          backend.executeBatch(session, ['echo hi'], undefined, { timeoutMs: -5 }),
        ),
      ]);
    });

    ctx.test(
      'malformed createSession options answer INVALID_INPUT with a message naming the path',
      async () => {
        const backend = h.backend();
        const cases: Array<[options: unknown, path: string]> = [
          [{ cols: 0 }, 'cols'],
          [{ rows: -1 }, 'rows'],
          [{ cols: 10.5 }, 'cols'],
          [{ env: { 'A B': 'x' } }, 'env'],
          [{ env: { OK: 5 } }, 'env'],
          [{ cwd: '' }, 'cwd'],
          [{ sessionId: 'a b' }, 'sessionId'],
          [{ labels: { owner: 5 } }, 'labels'],
        ];
        await expectAll(
          cases.map(([options, path]) => [
            `createSession(${preview(options)})`,
            async () => {
              const result = await backend.createSession(options as any);
              if (result.ok) h.cleanUp(result.value.id);
              const error = expectFailure(result, 'INVALID_INPUT', { dispatched: false });
              expect(error.message).toContain(path);
            },
          ]),
        );
      },
    );

    ctx.requires('resize')('out-of-range or non-integer sizes answer INVALID_INPUT from resize', async () => {
      const backend = h.backend();
      const sizes: Array<[unknown, unknown]> = [
        [0, 10],
        [10, 0],
        [NaN, 10],
        [100_000, 10],
        [10.5, 10],
        ['80', 24],
      ];
      await expectAll(
        sizes.map(([cols, rows]) =>
          failsWith('INVALID_INPUT', `resize(${String(cols)}, ${String(rows)})`, () =>
            backend.resize(session, cols as any, rows as any),
          ),
        ),
      );
    });

    ctx.requires('capture')('capture with lines -1, 0 or 1.5 answers INVALID_INPUT', async () => {
      const backend = h.backend();
      await expectAll(
        [-1, 0, 1.5].map((lines) =>
          failsWith('INVALID_INPUT', `capture({ lines: ${lines} })`, () =>
            backend.capture(session, undefined, { lines }),
          ),
        ),
      );
    });

    ctx.requires('sendInput')('sendInput with data that is not a string answers INVALID_INPUT', async () => {
      const backend = h.backend();
      await expectAll([
        failsWith('INVALID_INPUT', 'sendInput(123)', () => backend.sendInput(session, 123 as any)),
        failsWith('INVALID_INPUT', 'sendInput(undefined)', () =>
          backend.sendInput(session, undefined as any),
        ),
      ]);
    });

    ctx.test(
      'every method resolves with a well-formed result for garbage arguments (never throws or rejects)',
      async () => {
        const backend = h.backend();
        const calls: Array<[string, () => Promise<BackendResult<unknown>>]> = [
          ['createSession("nonsense")', () => backend.createSession('nonsense' as any)],
          [
            'createSession(options, "nonsense")',
            () => backend.createSession({ cols: -1 }, 'nonsense' as any),
          ],
          ['destroySession({})', () => backend.destroySession({} as any)],
          ['executeCommand()', () => (backend.executeCommand as any)()],
          ['executeCommand({}, [])', () => backend.executeCommand({} as any, [] as any)],
          ['executeBatch(session, [], {}, 5)', () => backend.executeBatch(session, [], {} as any, 5 as any)],
          ['sendInput(Symbol)', () => backend.sendInput(Symbol('x') as any, Symbol('y') as any)],
          ['interrupt([])', () => backend.interrupt([] as any)],
          ['capture(session, undefined, "x")', () => backend.capture(session, undefined, 'x' as any)],
          ['resize({}, {}, {})', () => backend.resize({} as any, {} as any, {} as any)],
        ];
        await expectAll(
          calls.map(([what, call]) => [
            what,
            async () => {
              let result: BackendResult<unknown>;
              try {
                result = await call();
              } catch (error) {
                throw new Error(`threw or rejected instead of resolving a result: ${String(error)}`);
              }
              expectWellFormedResult(result, what);
              if (result.ok && typeof (result.value as { id?: unknown } | undefined)?.id === 'string') {
                h.cleanUp((result.value as { id: string }).id);
              }
            },
          ]),
        );
      },
    );

    describeHostileArguments(ctx, h, () => session);

    ctx.test('the session still works after every rejected call above', async () => {
      await ctx.expectRun(h.backend(), session, 'echo still-works', 'still-works\n');
    });
  });
}
