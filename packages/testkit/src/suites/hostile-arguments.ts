import { expect } from '../expect';
import { type BackendResult } from '@vth/core';
import { type BackendHandle } from '../backend-handle';
import { expectFailure, expectWellFormedResult, preview, settleWithin } from '../helpers';
import {
  hostileNumbers,
  hostileOptions,
  hostileStrings,
  refusedContexts,
  throwingProxy,
  toleratedContexts,
} from '../hostile-values';
import { watchProcessFaults } from '../process-faults';
import { type SuiteContext } from '../suite-context';
import { sessionCalls } from './backend-calls';
import { expectAll } from './expect-all';

// Deliberately ill-typed arguments: a public method must answer them with a result, never throw.
/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * Calls `call` and waits (up to `timeoutMs`) for its result, which must be a well-formed BackendResult:
 * a synchronous throw, a rejection or a call still pending is reported as such.
 */
async function resultOf(
  what: string,
  call: () => Promise<BackendResult<unknown>>,
  timeoutMs: number,
): Promise<BackendResult<unknown>> {
  let pending: Promise<BackendResult<unknown>>;
  try {
    pending = Promise.resolve(call());
  } catch (error) {
    throw new Error(`threw instead of resolving a result: ${preview(String(error))}`);
  }
  const settled = await settleWithin(pending, timeoutMs);
  if (settled.state === 'pending') throw new Error(`still pending after ${timeoutMs} ms`);
  if (settled.state === 'rejected') {
    throw new Error(`rejected instead of resolving a result: ${preview(String(settled.reason))}`);
  }
  expectWellFormedResult(settled.value, what);
  return settled.value;
}

/** Runs the checks while watching the real process; an uncaught exception or rejection fails them too. */
async function expectAllWithoutFaults(checks: Array<[string, () => Promise<void>]>): Promise<void> {
  const watch = watchProcessFaults();
  let failed: unknown;
  try {
    await expectAll(checks);
  } catch (error) {
    failed = error;
  } finally {
    watch.stop();
  }
  const faults = watch.faults();
  const lines = [
    ...(failed === undefined ? [] : [failed instanceof Error ? failed.message : String(failed)]),
    ...(faults.length === 0
      ? []
      : [`the calls raised ${faults.length} fault(s) in the process:\n- ${faults.join('\n- ')}`]),
  ];
  if (lines.length > 0) throw new Error(lines.join('\n'));
}

/**
 * The hostile-argument checks of the typed-errors block: every method answers Proxies, throwing getters,
 * boxed strings and signals whose methods throw with a result, and nothing reaches the process as an
 * uncaught exception. `session()` is the block's session.
 */
export function describeHostileArguments(ctx: SuiteContext, h: BackendHandle, session: () => string): void {
  ctx.test(
    'hostile arguments (throwing getters, Proxies, boxed strings, signals whose methods throw) answer ' +
      'INVALID_INPUT from every method, with no uncaught exception or unhandled rejection',
    async () => {
      const backend = h.backend();
      const caps = ctx.caps;
      const refused = (what: string, call: () => Promise<BackendResult<unknown>>) =>
        [
          what,
          async () => {
            const result = await resultOf(what, call, ctx.ms(15_000));
            if (result.ok && typeof (result.value as { id?: unknown } | undefined)?.id === 'string') {
              h.cleanUp((result.value as { id: string }).id);
            }
            expectFailure(result, 'INVALID_INPUT', { dispatched: false, what });
          },
        ] as [string, () => Promise<void>];
      await expectAllWithoutFaults([
        ...refusedContexts().flatMap(([label, context]) => [
          refused(`executeCommand with ${label}`, () =>
            backend.executeCommand(session(), 'echo hi', undefined, context as any),
          ),
          refused(`executeBatch with ${label}`, () =>
            backend.executeBatch(session(), ['echo hi'], undefined, context as any),
          ),
        ]),
        ...hostileStrings('echo hi').flatMap(([label, command]) => [
          refused(`executeCommand(${label})`, () => backend.executeCommand(session(), command as any)),
          refused(`executeBatch([${label}])`, () => backend.executeBatch(session(), [command as any])),
        ]),
        refused('executeBatch(an array Proxy whose traps throw)', () =>
          backend.executeBatch(session(), throwingProxy(['echo hi']) as any),
        ),
        ...hostileStrings(session()).flatMap(([label, id]) => [
          ...sessionCalls(backend, ctx.caps, id as any).map(([name, call]) =>
            refused(`${name}(session id: ${label})`, call),
          ),
          refused(`destroySession(${label})`, () => backend.destroySession(id as any)),
        ]),
        ...hostileStrings('%0').flatMap(([label, pane]) =>
          sessionCalls(backend, ctx.caps, session(), pane as any).map(([name, call]) =>
            refused(`${name}(pane id: ${label})`, call),
          ),
        ),
        ...hostileOptions(['sessionId', 'cwd', 'env', 'cols']).map(([label, options]) =>
          refused(`createSession(${label})`, () => backend.createSession(options as any)),
        ),
        refused('createSession({ env: a Proxy whose traps throw })', () =>
          backend.createSession({ env: throwingProxy() as any }),
        ),
        ...(caps.capture
          ? hostileOptions(['lines']).map(([label, options]) =>
              refused(`capture(session, undefined, ${label})`, () =>
                backend.capture(session(), undefined, options as any),
              ),
            )
          : []),
        ...(caps.sendInput
          ? hostileStrings('x').map(([label, data]) =>
              refused(`sendInput(${label})`, () => backend.sendInput(session(), data as any)),
            )
          : []),
        ...(caps.resize
          ? hostileNumbers(80).flatMap(([label, n]) => [
              refused(`resize(cols: ${label})`, () => backend.resize(session(), n as any, 24)),
              refused(`resize(rows: ${label})`, () => backend.resize(session(), 80, n as any)),
            ])
          : []),
      ]);
    },
  );

  ctx.test(
    'a signal whose removeEventListener or reason throws, and a hostile context handed to createSession, ' +
      'get a result (never a throw, a rejection, a pending call or an uncaught exception)',
    async () => {
      const backend = h.backend();
      const tolerated = (what: string, call: () => Promise<BackendResult<unknown>>, output?: string) =>
        [
          what,
          async () => {
            const result = await resultOf(what, call, ctx.ms(15_000));
            if (!result.ok) {
              expectFailure(result, 'INVALID_INPUT', { dispatched: false, what });
              return;
            }
            const value = result.value as { id?: unknown; output?: unknown } | Array<{ output?: unknown }>;
            if (Array.isArray(value)) expect(value.map((e) => e.output)).toEqual([output]);
            else if (output !== undefined) expect(value.output).toBe(output);
            else if (typeof value.id === 'string') h.cleanUp(value.id);
          },
        ] as [string, () => Promise<void>];
      await expectAllWithoutFaults([
        ...toleratedContexts().flatMap(([label, context]) => [
          tolerated(
            `executeCommand with ${label}`,
            () => backend.executeCommand(session(), 'echo tolerated', undefined, context as any),
            'tolerated\n',
          ),
          tolerated(
            `executeBatch with ${label}`,
            () => backend.executeBatch(session(), ['echo tolerated'], undefined, context as any),
            'tolerated\n',
          ),
        ]),
        ...[...refusedContexts(), ...toleratedContexts()].map(([label, context]) =>
          tolerated(`createSession(undefined, ${label})`, () =>
            backend.createSession(undefined, context as any),
          ),
        ),
      ]);
    },
    ctx.ms(120_000),
  );
}
