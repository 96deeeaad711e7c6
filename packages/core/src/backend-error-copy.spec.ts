import { BackendError } from './backend-error';

describe('BackendError.withBackendId and toJSON', () => {
  it('returns the same error when it already names that backend', () => {
    const error = new BackendError('BUSY', 'busy', { backendId: 'b1' });
    expect(error.withBackendId('b1')).toBe(error);
  });

  it('copies code, message, dispatched, cause, details and stack under the new backend id', () => {
    const cause = new Error('root');
    const error = new BackendError('TIMEOUT', 'slow', { dispatched: false, cause, details: { ms: 5 } });
    const copy = error.withBackendId('b2');
    expect(copy).not.toBe(error);
    expect(copy).toMatchObject({ code: 'TIMEOUT', message: 'slow', dispatched: false, backendId: 'b2' });
    expect(copy.cause).toBe(cause);
    expect(copy.details).toEqual({ ms: 5 });
    expect(copy.stack).toBe(error.stack);
    expect(error.backendId).toBeUndefined();
  });

  it('leaves details out of a copy of an error that had none', () => {
    const copy = new BackendError('INTERNAL', 'x').withBackendId('b3');
    expect(copy.details).toBeUndefined();
    expect(copy.toJSON()).not.toHaveProperty('details');
  });

  it('serialises the backend id and details only when present', () => {
    expect(JSON.parse(JSON.stringify(new BackendError('FORBIDDEN', 'no')))).toEqual({
      name: 'BackendError',
      code: 'FORBIDDEN',
      message: 'no',
      dispatched: false,
    });
    const full = new BackendError('BUSY', 'busy', { backendId: 'b1', details: { retryInMs: 10 } });
    expect(full.toJSON()).toEqual({
      name: 'BackendError',
      code: 'BUSY',
      message: 'busy',
      dispatched: false,
      backendId: 'b1',
      details: { retryInMs: 10 },
    });
  });
});
