import { BackendError, fail, ok, type BackendResult } from '@vth/core';
import { type Outcome, RetryRunner } from './retry-runner';

const config = { maxRetries: 3, initialDelayMs: 1, maxDelayMs: 2 };

function failing(code: 'UNAVAILABLE' | 'FORBIDDEN', dispatched: boolean): BackendResult<never> {
  return fail(new BackendError(code, code, { dispatched }));
}

describe('RetryRunner', () => {
  it('repeats a call that failed without reaching a shell for a reason of the backend', async () => {
    const runner = new RetryRunner(config, new AbortController().signal);
    let calls = 0;
    const r = await runner.run(async () => (++calls < 3 ? failing('UNAVAILABLE', false) : ok('done')));
    expect([r, calls]).toEqual([ok('done'), 3]);
  });

  it.each([
    ['a dispatched failure', () => failing('UNAVAILABLE', true)],
    ['a refusal', () => failing('FORBIDDEN', false)],
    [
      'a call whose session moved',
      (): Outcome<never> => ({ moved: true, error: new BackendError('UNAVAILABLE', 'moved') }),
    ],
  ])('never repeats %s', async (_what, answer) => {
    const runner = new RetryRunner(config, new AbortController().signal);
    let calls = 0;
    await runner.run(async () => {
      calls++;
      return answer();
    });
    expect(calls).toBe(1);
  });

  it('answers a call waiting out its back-off with its last failure once halted', async () => {
    const halt = new AbortController();
    const runner = new RetryRunner(
      { maxRetries: 5, initialDelayMs: 60_000, maxDelayMs: 60_000 },
      halt.signal,
    );
    let calls = 0;
    const running = runner.run(async () => {
      calls++;
      return failing('UNAVAILABLE', false);
    });
    await new Promise((resolve) => setImmediate(resolve));
    halt.abort();
    runner.answerAllNow();
    expect(await running).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', dispatched: false } });
    expect(calls).toBe(1);
  });
});
