import { BackendError } from './backend-error';
import { fail, ok } from './result';

describe('ok and fail', () => {
  it('wrap a value, or nothing', () => {
    expect(ok(3)).toEqual({ ok: true, value: 3 });
    expect(ok()).toEqual({ ok: true, value: undefined });
  });

  it('build an error from a code, using the code as message when none is given', () => {
    const r = fail('UNAVAILABLE');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBeInstanceOf(BackendError);
    expect(r.error.code).toBe('UNAVAILABLE');
    expect(r.error.message).toBe('UNAVAILABLE');
    const named = fail('BUSY', 'try later', { backendId: 'b1' });
    expect(!named.ok && named.error).toMatchObject({ code: 'BUSY', message: 'try later', backendId: 'b1' });
  });

  it('pass an existing BackendError through as it is', () => {
    const error = new BackendError('TIMEOUT', 'slow');
    const r = fail(error);
    expect(!r.ok && r.error).toBe(error);
  });
});
