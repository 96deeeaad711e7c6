import { type BackendError, type BackendErrorCode, type BackendResult } from '@vth/core';

/** A short, printable rendering of any value for failure messages. */
export function preview(value: unknown, max = 120): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}

function describeError(error: BackendError): string {
  return `${error.code} (dispatched: ${String(error.dispatched)}): ${error.message}`;
}

/**
 * Asserts that `result` is shaped like a `BackendResult`: `{ ok: true, value }`, or `{ ok: false, error }`
 * whose error has a string `code`, a string `message` and a boolean `dispatched`.
 */
export function expectWellFormedResult(result: unknown, what = 'the call'): void {
  if (typeof result !== 'object' || result === null || typeof (result as { ok?: unknown }).ok !== 'boolean') {
    throw new Error(
      `${what} resolved with ${preview(result)}, not a BackendResult ({ ok: true | false, ... })`,
    );
  }
  if ((result as { ok: boolean }).ok) return;
  const error = (result as { error?: unknown }).error as
    { code?: unknown; message?: unknown; dispatched?: unknown } | undefined;
  if (
    typeof error !== 'object' ||
    error === null ||
    typeof error.code !== 'string' ||
    error.code === '' ||
    typeof error.message !== 'string' ||
    typeof error.dispatched !== 'boolean'
  ) {
    throw new Error(
      `${what} failed with a malformed error ${preview(error)}: it needs a string code, a string message ` +
        'and a boolean dispatched',
    );
  }
}

/**
 * Asserts that a backend call succeeded and returns its value; a failure names the call and the error.
 *
 * @example
 * ```ts
 * const session = expectOk(await backend.createSession(), 'createSession');
 * const run = expectOk(await backend.executeCommand(session.id, 'echo hi'));
 * expect(run.output).toBe('hi\n');
 * ```
 */
export function expectOk<T>(result: BackendResult<T>, what = 'the call'): T {
  expectWellFormedResult(result, what);
  if (!result.ok) throw new Error(`${what} failed with ${describeError(result.error)}`);
  return result.value;
}

/**
 * Asserts that a backend call failed with `code` (and, when given, that `dispatched` has that value);
 * returns the error.
 *
 * @example
 * ```ts
 * expectFailure(await backend.executeCommand('nope', 'true'), 'SESSION_NOT_FOUND', { dispatched: false });
 * ```
 */
export function expectFailure(
  result: BackendResult<unknown>,
  code: BackendErrorCode,
  options: { dispatched?: boolean; what?: string } = {},
): BackendError {
  const what = options.what ?? 'the call';
  const wanted =
    options.dispatched === undefined ? code : `${code} (dispatched: ${String(options.dispatched)})`;
  expectWellFormedResult(result, what);
  if (result.ok)
    throw new Error(`${what} should fail with ${wanted} but succeeded with ${preview(result.value)}`);
  const error = result.error;
  if (error.code !== code || (options.dispatched !== undefined && error.dispatched !== options.dispatched)) {
    throw new Error(`${what} should fail with ${wanted} but failed with ${describeError(error)}`);
  }
  return error;
}

/**
 * Asserts that two texts are identical. Unlike `toBe`, a mismatch in megabytes of output reports where
 * the texts part and what surrounds that spot, not the whole texts.
 */
export function expectSameText(actual: string, expected: string, what = 'the output'): void {
  if (actual === expected) return;
  if (typeof actual !== 'string') throw new Error(`${what} is ${preview(actual)}, not a string`);
  if (actual.length + expected.length <= 400) {
    throw new Error(
      `${what} is not the expected text\n  expected: ${preview(expected, 400)}\n  received: ${preview(actual, 400)}`,
    );
  }
  let at = 0;
  while (at < actual.length && at < expected.length && actual[at] === expected[at]) at++;
  const from = Math.max(0, at - 30);
  throw new Error(
    `${what} is not the expected text: ${actual.length} characters instead of ${expected.length}, ` +
      `first difference at character ${at}\n` +
      `  expected: …${preview(expected.slice(from, at + 50), 200)}\n` +
      `  received: …${preview(actual.slice(from, at + 50), 200)}`,
  );
}

/** Collects what an `ExecutionContext.onOutput` callback receives and waits for a piece of it. */
export interface OutputWatch {
  /** Pass this as `context.onOutput`. */
  readonly onOutput: (chunk: string) => void;
  /** Everything received so far. */
  text(): string;
  /** Resolves `true` once the received text contains `needle`, `false` after `timeoutMs` without it. */
  waitFor(needle: string, timeoutMs: number): Promise<boolean>;
}

/**
 * @example
 * ```ts
 * const watch = watchOutput();
 * const pending = backend.executeCommand(id, 'echo started; sleep 30', undefined, { onOutput: watch.onOutput });
 * await watch.waitFor('started', 10_000);
 * await backend.interrupt(id);
 * ```
 */
export function watchOutput(): OutputWatch {
  let received = '';
  const listeners = new Set<() => void>();
  return {
    onOutput: (chunk) => {
      received += chunk;
      for (const listener of [...listeners]) listener();
    },
    text: () => received,
    waitFor: (needle, timeoutMs) =>
      new Promise<boolean>((resolve) => {
        if (received.includes(needle)) {
          resolve(true);
          return;
        }
        const finish = (found: boolean) => {
          clearTimeout(timer);
          listeners.delete(check);
          resolve(found);
        };
        const check = () => {
          if (received.includes(needle)) finish(true);
        };
        const timer = setTimeout(() => finish(false), timeoutMs);
        listeners.add(check);
      }),
  };
}

/**
 * Reads a value until `done(value)` holds or `timeoutMs` passed, and returns the last value read. For
 * conditions that settle eventually (processes reaped, an event delivered), never for timing claims.
 */
export async function pollUntil<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  options: { timeoutMs: number; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}

/** How a promise stands, as `settleWithin` saw it; switch on `state`. */
export type Settled<T> =
  | {
      /** It fulfilled in time. */
      state: 'resolved';
      /** What it fulfilled with. */
      value: T;
    }
  | {
      /** It rejected in time. */
      state: 'rejected';
      /** What it rejected with. */
      reason: unknown;
    }
  | {
      /** It had not settled when the time was up (it may still settle later). */
      state: 'pending';
    };

/** How `promise` stands after at most `timeoutMs`: resolved, rejected, or still pending. */
export async function settleWithin<T>(promise: Promise<T>, timeoutMs: number): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ state: 'pending' }), timeoutMs);
  });
  try {
    return await Promise.race([
      promise.then(
        (value): Settled<T> => ({ state: 'resolved', value }),
        (reason: unknown): Settled<T> => ({ state: 'rejected', reason }),
      ),
      pending,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
