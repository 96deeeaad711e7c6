import { BackendError, isBackendError, toBackendError } from './backend-error';
import { fail, ok } from './result';

describe('BackendError', () => {
  it('carries code, message, name and a dispatched default by code', () => {
    const input = new BackendError('INVALID_INPUT', 'bad');
    expect(input).toBeInstanceOf(Error);
    expect(input.name).toBe('BackendError');
    expect(input.code).toBe('INVALID_INPUT');
    expect(input.dispatched).toBe(false);
    expect(new BackendError('TIMEOUT', 'slow').dispatched).toBe(true);
    expect(new BackendError('BACKEND_CRASHED', 'gone', { dispatched: false }).dispatched).toBe(false);
  });

  it('is recognised by shape, so a copy from another package instance still counts', () => {
    const foreign = { code: 'BUSY', dispatched: false, message: 'busy', name: 'BackendError' };
    expect(isBackendError(foreign)).toBe(true);
    expect(isBackendError({ code: 'NOPE', dispatched: false, message: '' })).toBe(false);
    expect(isBackendError(new Error('x'))).toBe(false);
    expect(isBackendError(null)).toBe(false);
  });

  it('wraps anything thrown and keeps BackendErrors as they are', () => {
    const original = new BackendError('FORBIDDEN', 'no');
    expect(toBackendError(original)).toBe(original);
    const wrapped = toBackendError(new TypeError('boom'), 'INTERNAL', { backendId: 'b1' });
    expect(wrapped.code).toBe('INTERNAL');
    expect(wrapped.message).toBe('boom');
    expect(wrapped.backendId).toBe('b1');
    expect(wrapped.cause).toBeInstanceOf(TypeError);
    expect(toBackendError('text').message).toBe('text');
  });

  it('tags a copy with a backend id and serialises to JSON', () => {
    const e = new BackendError('RATE_LIMITED', 'slow down', { details: { retryAfterMs: 50 } });
    const tagged = e.withBackendId('tmux-1');
    expect(tagged).not.toBe(e);
    expect(tagged.backendId).toBe('tmux-1');
    expect(tagged.details).toEqual({ retryAfterMs: 50 });
    expect(JSON.parse(JSON.stringify(tagged))).toEqual({
      name: 'BackendError',
      code: 'RATE_LIMITED',
      message: 'slow down',
      dispatched: false,
      backendId: 'tmux-1',
      details: { retryAfterMs: 50 },
    });
  });

  it('builds results', () => {
    expect(ok(3)).toEqual({ ok: true, value: 3 });
    const r = fail('SESSION_NOT_FOUND', 'no session "x"');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('SESSION_NOT_FOUND');
      expect(r.error.message).toBe('no session "x"');
    }
  });
});
