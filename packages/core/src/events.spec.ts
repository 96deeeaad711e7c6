import { EventEmitter } from 'node:events';
import { BackendError } from './backend-error';
import { auditFields, emitErrorSafely } from './events';

describe('auditFields', () => {
  it('copies only the audit fields a context sets', () => {
    expect(auditFields({})).toEqual({});
    expect(auditFields({ timeoutMs: 5, userId: 'u1' })).toEqual({ userId: 'u1' });
    expect(auditFields({ requestId: 'r1', userId: 'u1', source: 'voice', maxOutputBytes: 1 })).toEqual({
      requestId: 'r1',
      userId: 'u1',
      source: 'voice',
    });
  });
});

describe('emitErrorSafely', () => {
  it('emits to listeners, and does nothing (instead of throwing) when there are none', () => {
    const emitter = new EventEmitter();
    const error = new BackendError('INTERNAL', 'boom');
    expect(() => emitErrorSafely(emitter, error)).not.toThrow();
    const seen: unknown[] = [];
    emitter.on('error', (e) => seen.push(e));
    emitErrorSafely(emitter, error);
    expect(seen).toEqual([error]);
  });
});
