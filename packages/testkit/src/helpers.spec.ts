import { fail, ok, type BackendResult } from '@vth/core';
import {
  expectFailure,
  expectOk,
  expectSameText,
  expectWellFormedResult,
  pollUntil,
  settleWithin,
  watchOutput,
} from './helpers';

describe('expectOk', () => {
  it('returns the value of a successful result', () => {
    expect(expectOk(ok(42))).toBe(42);
  });

  it('throws a message naming the call and the error', () => {
    expect(() => expectOk(fail('SESSION_NOT_FOUND', 'no session "x"'), 'executeCommand')).toThrow(
      'executeCommand failed with SESSION_NOT_FOUND (dispatched: false): no session "x"',
    );
  });
});

describe('expectFailure', () => {
  const missing: BackendResult<unknown> = fail('SESSION_NOT_FOUND', 'gone');

  it('returns the error when code and dispatched match', () => {
    expect(expectFailure(missing, 'SESSION_NOT_FOUND', { dispatched: false }).message).toBe('gone');
  });

  it('throws on success, on another code, and on another dispatched', () => {
    expect(() => expectFailure(ok(1), 'INVALID_INPUT', { what: 'resize' })).toThrow(
      'resize should fail with INVALID_INPUT but succeeded with 1',
    );
    expect(() => expectFailure(missing, 'INVALID_INPUT')).toThrow(/failed with SESSION_NOT_FOUND/);
    expect(() => expectFailure(missing, 'SESSION_NOT_FOUND', { dispatched: true })).toThrow(
      /dispatched: true/,
    );
  });
});

describe('expectWellFormedResult', () => {
  it('accepts both result shapes', () => {
    expectWellFormedResult(ok());
    expectWellFormedResult(fail('INTERNAL', 'x', { dispatched: true }));
  });

  it.each([undefined, null, 'ok', {}, { ok: false }, { ok: false, error: { code: 'X', message: 'm' } }])(
    'rejects %p',
    (value) => {
      expect(() => expectWellFormedResult(value)).toThrow();
    },
  );
});

describe('expectSameText', () => {
  it('passes identical texts', () => {
    expectSameText('a\nb', 'a\nb');
  });

  it('shows short texts whole', () => {
    expect(() => expectSameText('a\r\n', 'a\n')).toThrow(/expected: "a\\n"\n {2}received: "a\\r\\n"/);
  });

  it('reports where long texts part instead of printing them', () => {
    const expected = 'x'.repeat(100_000);
    const actual = `${'x'.repeat(70_000)}y${'x'.repeat(29_999)}`;
    let message = '';
    try {
      expectSameText(actual, expected, 'the output');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('first difference at character 70000');
    expect(message.length).toBeLessThan(1000);
  });
});

describe('watchOutput', () => {
  it('finds a needle split across chunks', async () => {
    const watch = watchOutput();
    const found = watch.waitFor('started', 1000);
    watch.onOutput('sta');
    watch.onOutput('rted\n');
    await expect(found).resolves.toBe(true);
    expect(watch.text()).toBe('started\n');
  });

  it('answers false when the needle does not come in time', async () => {
    const watch = watchOutput();
    watch.onOutput('nothing here');
    await expect(watch.waitFor('started', 20)).resolves.toBe(false);
  });
});

describe('pollUntil', () => {
  it('returns as soon as the condition holds', async () => {
    let n = 0;
    await expect(
      pollUntil(
        () => ++n,
        (v) => v >= 3,
        { timeoutMs: 5000, intervalMs: 1 },
      ),
    ).resolves.toBe(3);
  });

  it('returns the last value when time runs out', async () => {
    await expect(
      pollUntil(
        async () => ['leak'],
        (v) => v.length === 0,
        { timeoutMs: 20, intervalMs: 5 },
      ),
    ).resolves.toEqual(['leak']);
  });
});

describe('settleWithin', () => {
  it('tells resolved, rejected and pending apart', async () => {
    await expect(settleWithin(Promise.resolve(1), 100)).resolves.toEqual({ state: 'resolved', value: 1 });
    const reason = new Error('no');
    await expect(settleWithin(Promise.reject(reason), 100)).resolves.toEqual({ state: 'rejected', reason });
    await expect(settleWithin(new Promise(() => undefined), 10)).resolves.toEqual({ state: 'pending' });
  });
});
