import { thrownMessage } from './thrown-message';

describe('thrownMessage', () => {
  it('uses the message of anything shaped like an error, from any realm', () => {
    expect(thrownMessage(new TypeError('boom'))).toBe('boom');
    expect(thrownMessage({ message: 'from another realm' })).toBe('from another realm');
  });

  it('describes values without a usable message by converting them', () => {
    expect(thrownMessage('plain string')).toBe('plain string');
    expect(thrownMessage(42)).toBe('42');
    expect(thrownMessage(null)).toBe('null');
    expect(thrownMessage({ message: '' })).toBe('[object Object]');
    expect(thrownMessage({ message: 7 })).toBe('[object Object]');
  });

  it('still describes a value whose message getter and toString throw', () => {
    const hostile = {
      get message(): string {
        throw new Error('getter');
      },
      toString(): string {
        throw new Error('toString');
      },
    };
    expect(thrownMessage(hostile)).toBe('[object Object]');
  });

  it('falls back to a fixed text when even the generic description throws', () => {
    const thrower = () => {
      throw new Error('trap');
    };
    const proxy = new Proxy({}, { get: thrower, getPrototypeOf: thrower });
    expect(thrownMessage(proxy)).toBe('a value that cannot be shown');
  });

  it('cuts a long message at 200 characters and says how long it was', () => {
    const text = thrownMessage(new Error('x'.repeat(500)));
    expect(text).toBe(`${'x'.repeat(200)}… (500 characters)`);
    expect(thrownMessage(new Error('y'.repeat(200)))).toBe('y'.repeat(200));
  });
});
