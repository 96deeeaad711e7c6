import { createSessionOptionsSchema, captureOptionsSchema, sessionIdSchema } from './schemas';
import { parseInput } from './validation';

describe('parseInput', () => {
  const thrower = () => {
    throw new Error('hostile read');
  };

  it.each([
    ['a Proxy whose traps throw', new Proxy({}, { get: thrower, ownKeys: thrower, getPrototypeOf: thrower })],
    ['a throwing getter', Object.defineProperty({}, 'cols', { enumerable: true, get: thrower })],
    [
      'a throwing getter inside env',
      { env: Object.defineProperty({}, 'A', { enumerable: true, get: thrower }) },
    ],
  ])('answers options that are %s with INVALID_INPUT instead of throwing', (_label, options) => {
    const parsed = parseInput(createSessionOptionsSchema, options, 'options');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.code).toBe('INVALID_INPUT');
    expect(parsed.error.dispatched).toBe(false);
    expect(parsed.error.message).toBe('invalid options: could not be read (hostile read)');
  });

  it('answers a revoked Proxy, and keeps the code it is given', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const parsed = parseInput(captureOptionsSchema, proxy, 'options', 'INVALID_CONFIG');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error.code).toBe('INVALID_CONFIG');
      expect(parsed.error.message).toMatch(/^invalid options: could not be read \(.*revoked/);
    }
  });

  it('refuses boxed strings and objects whose conversion throws, without converting them', () => {
    const hostile = { toString: thrower, valueOf: thrower, [Symbol.toPrimitive]: thrower };
    for (const id of [new String('s1'), hostile]) {
      const parsed = parseInput(sessionIdSchema, id, 'sessionId');
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error.message).toBe('invalid sessionId: sessionId: must be a string');
    }
  });

  it('keeps a message that threw something huge short', () => {
    const huge = () => {
      throw new Error('x'.repeat(1_000_000));
    };
    const parsed = parseInput(captureOptionsSchema, new Proxy({}, { get: huge }), 'options');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.message.length).toBeLessThan(400);
  });
});
