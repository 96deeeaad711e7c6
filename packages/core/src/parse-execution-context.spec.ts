import { executionContextSchema, type BackendResult, type ExecutionContext } from './index';
import { parseExecutionContext } from './kit';

const FIELDS = Object.keys(executionContextSchema.shape);

function value(result: BackendResult<ExecutionContext>): ExecutionContext {
  if (!result.ok) throw new Error(`expected a context, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

function refusal(result: BackendResult<ExecutionContext>): string {
  if (result.ok) throw new Error('expected INVALID_INPUT, got a context');
  expect(result.error.code).toBe('INVALID_INPUT');
  expect(result.error.dispatched).toBe(false);
  return result.error.message;
}

/** An AbortSignal look-alike over a real controller that counts what is done to it. */
function countingSignal(overrides: PropertyDescriptorMap = {}) {
  const controller = new AbortController();
  const calls = { add: 0, remove: 0 };
  const signal = Object.defineProperties(
    {
      get aborted() {
        return controller.signal.aborted;
      },
      get reason(): unknown {
        return controller.signal.reason;
      },
      addEventListener(...args: Parameters<AbortSignal['addEventListener']>) {
        calls.add++;
        controller.signal.addEventListener(...args);
      },
      removeEventListener(...args: Parameters<AbortSignal['removeEventListener']>) {
        calls.remove++;
        controller.signal.removeEventListener(...args);
      },
    },
    overrides,
  );
  return { controller, signal: signal as unknown as AbortSignal, calls };
}

describe('parseExecutionContext', () => {
  it('reads each field once into a frozen copy, so the caller object is never read again', () => {
    const reads: Record<string, number> = {};
    const onOutput = () => undefined;
    const given: Record<string, unknown> = {
      requestId: 'r-1',
      userId: 'u-1',
      source: 'api',
      timeoutMs: 5000,
      idleTimeoutMs: 1000,
      maxOutputBytes: 64,
      onOutput,
    };
    const context = {};
    for (const [key, v] of Object.entries(given)) {
      Object.defineProperty(context, key, {
        enumerable: true,
        get() {
          reads[key] = (reads[key] ?? 0) + 1;
          return v;
        },
      });
    }
    const parsed = value(parseExecutionContext(context));
    expect(parsed).not.toBe(context);
    expect(Object.isFrozen(parsed)).toBe(true);
    expect(parsed).toEqual(given);
    expect(parsed.onOutput).toBe(onOutput);
    expect(reads).toEqual(Object.fromEntries(Object.keys(given).map((k) => [k, 1])));
  });

  it('returns a context it produced as is, and an empty frozen one for undefined', () => {
    const parsed = value(parseExecutionContext({ timeoutMs: 5 }));
    expect(value(parseExecutionContext(parsed))).toBe(parsed);
    const empty = value(parseExecutionContext(undefined));
    expect(empty).toEqual({});
    expect(Object.isFrozen(empty)).toBe(true);
  });

  it.each(FIELDS)('answers a throwing getter on context.%s with INVALID_INPUT naming it', (field) => {
    const context = Object.defineProperty({}, field, {
      enumerable: true,
      get() {
        throw new Error('no peeking');
      },
    });
    expect(refusal(parseExecutionContext(context))).toBe(
      `invalid context: context.${field}: could not be read (no peeking)`,
    );
  });

  it('answers a Proxy whose traps throw, a revoked Proxy and a non-object with INVALID_INPUT', () => {
    const thrower = () => {
      throw new Error('trap');
    };
    const proxy = new Proxy({}, { get: thrower, ownKeys: thrower, has: thrower, getPrototypeOf: thrower });
    expect(refusal(parseExecutionContext(proxy))).toBe(
      'invalid context: context.requestId: could not be read (trap)',
    );
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(refusal(parseExecutionContext(revoked))).toMatch(
      /^invalid context: context\.requestId: could not/,
    );
    expect(refusal(parseExecutionContext('nonsense'))).toMatch(/^invalid context: /);
    expect(refusal(parseExecutionContext(null))).toMatch(/^invalid context: /);
    expect(refusal(parseExecutionContext([]))).toBe('invalid context: context: must be an object');
  });

  it('still names every malformed value', () => {
    expect(refusal(parseExecutionContext({ timeoutMs: -5, onOutput: 'x', signal: {} }))).toBe(
      'invalid context: context.timeoutMs: must be positive; context.signal: must be an AbortSignal; ' +
        'context.onOutput: must be a function',
    );
    expect(refusal(parseExecutionContext({ signal: {} }))).toBe(
      'invalid context: context.signal: must be an AbortSignal',
    );
  });

  it("replaces the caller's signal with one of its own that follows it", () => {
    const controller = new AbortController();
    const parsed = value(parseExecutionContext({ signal: controller.signal }));
    expect(parsed.signal).toBeInstanceOf(AbortSignal);
    expect(parsed.signal).not.toBe(controller.signal);
    expect(parsed.signal!.aborted).toBe(false);
    const reason = new Error('stop');
    controller.abort(reason);
    expect(parsed.signal!.aborted).toBe(true);
    expect(parsed.signal!.reason).toBe(reason);
  });

  it('hands back an aborted signal, with its reason, for one aborted already', () => {
    const controller = new AbortController();
    controller.abort('enough');
    const parsed = value(parseExecutionContext({ signal: controller.signal }));
    expect(parsed.signal!.aborted).toBe(true);
    expect(parsed.signal!.reason).toBe('enough');
  });

  it('listens to a caller signal once however many calls share it, and never removes the listener', () => {
    const { signal, calls, controller } = countingSignal();
    const parsed = Array.from({ length: 20 }, () => value(parseExecutionContext({ signal, timeoutMs: 5 })));
    expect(calls).toEqual({ add: 1, remove: 0 });
    expect(new Set(parsed.map((c) => c.signal)).size).toBe(1);
    controller.abort();
    expect(parsed[0]!.signal!.aborted).toBe(true);
  });

  it.each([
    ['aborted', { aborted: { get: () => thrower() } }, 'could not be read (hostile)'],
    ['reason', { reason: { get: () => thrower() } }, 'could not be read (hostile)'],
    ['addEventListener', { addEventListener: { get: () => thrower() } }, 'could not be read (hostile)'],
    ['addEventListener', { addEventListener: { value: () => thrower() } }, 'threw (hostile)'],
  ])('answers a signal whose %s throws with INVALID_INPUT naming it', (name, overrides, problem) => {
    const { signal } = countingSignal(overrides as PropertyDescriptorMap);
    expect(refusal(parseExecutionContext({ signal }))).toBe(
      `invalid context: context.signal.${name}: ${problem}`,
    );
  });

  it('answers a Proxy signal whose traps throw with INVALID_INPUT', () => {
    const signal = new Proxy({}, { get: () => thrower() });
    expect(refusal(parseExecutionContext({ signal }))).toBe(
      'invalid context: context.signal.aborted: could not be read (hostile)',
    );
  });

  it('aborts its own signal when the caller aborts, even if the reason getter starts throwing then', () => {
    const { signal, controller } = countingSignal({
      reason: {
        get() {
          if (controller.signal.aborted) thrower();
          return undefined;
        },
      },
    });
    const parsed = value(parseExecutionContext({ signal }));
    expect(() => controller.abort()).not.toThrow();
    expect(parsed.signal!.aborted).toBe(true);
  });
});

function thrower(): never {
  throw new Error('hostile');
}
