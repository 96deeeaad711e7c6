import { AssertionError } from 'node:assert';
import { expect as portable } from './expect';

/** The AssertionError `assertion` throws, or null when it passes. */
function thrown(assertion: () => void): AssertionError | null {
  try {
    assertion();
    return null;
  } catch (e) {
    if (e instanceof AssertionError) return e;
    throw e;
  }
}

describe('the portable assertions the suite makes under every runner', () => {
  it.each([
    ['toBe', () => portable(NaN).toBe(NaN), () => portable({}).toBe({})],
    ['toBe with -0', () => portable(0).toBe(0), () => portable(0).toBe(-0)],
    [
      'toEqual (undefined properties and prototypes ignored)',
      () => portable({ a: [1, { b: 'x' }], c: undefined }).toEqual({ a: [1, { b: 'x' }] }),
      () => portable({ a: [1, { b: 'x' }] }).toEqual({ a: [1, { b: 'y' }] }),
    ],
    [
      'toEqual (class instances compare by fields)',
      () =>
        portable(
          new (class P {
            x = 1;
          })(),
        ).toEqual({ x: 1 }),
      () => portable([1, 2]).toEqual([1, 2, 3]),
    ],
    [
      'toMatchObject',
      () => portable({ id: 'a', alive: true, extra: 1 }).toMatchObject({ alive: true }),
      () => portable({ id: 'a', alive: false }).toMatchObject({ alive: true }),
    ],
    [
      'toMatchObject (nested)',
      () => portable({ a: { b: 1, c: 2 } }).toMatchObject({ a: { b: 1 } }),
      () => portable(undefined).toMatchObject({ a: 1 }),
    ],
    [
      'toContain on a string',
      () => portable('hello').toContain('ell'),
      () => portable('hello').toContain('x'),
    ],
    [
      'toContain on an array',
      () => portable(['a', 'b']).toContain('b'),
      () => portable(['a']).toContain('b'),
    ],
    ['toMatch', () => portable('exit 3').toMatch(/exit \d/), () => portable('exit').toMatch('x3')],
    ['toBeGreaterThan', () => portable(2).toBeGreaterThan(1), () => portable(1).toBeGreaterThan(1)],
    [
      'toBeGreaterThanOrEqual',
      () => portable(1).toBeGreaterThanOrEqual(1),
      () => portable(0).toBeGreaterThanOrEqual(1),
    ],
    ['toBeLessThan', () => portable(1).toBeLessThan(2), () => portable(2).toBeLessThan(2)],
    [
      'toBeLessThanOrEqual',
      () => portable(2).toBeLessThanOrEqual(2),
      () => portable(3).toBeLessThanOrEqual(2),
    ],
    ['toHaveLength', () => portable([1, 2]).toHaveLength(2), () => portable('abc').toHaveLength(2)],
    ['toBeNull', () => portable(null).toBeNull(), () => portable(undefined).toBeNull()],
  ])('%s passes and fails like Jest', (_, passes, fails) => {
    expect(thrown(passes)).toBeNull();
    expect(thrown(fails)).toBeInstanceOf(AssertionError);
  });

  it('negates with not, and names the matcher, the expected and the received value', () => {
    expect(thrown(() => portable(['a']).not.toContain('b'))).toBeNull();
    const error = thrown(() => portable(['a', 'b']).not.toContain('b'));
    expect(error?.message).toContain('expect(received).not.toContain(expected)');
    expect(error?.message).toContain("Expected: not 'b'");
    expect(error?.message).toContain("Received: [ 'a', 'b' ]");
    expect(error?.operator).toBe('toContain');
  });

  it('refuses toContain on a value that is neither a string nor iterable', () => {
    expect(thrown(() => portable(42).toContain(4))?.message).toMatch(/neither a string nor iterable/);
  });
});
