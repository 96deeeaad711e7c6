import { AssertionError } from 'node:assert';
import { inspect } from 'node:util';

/**
 * The assertions the conformance suite makes, with Jest's names and meanings, on `node:assert`'s
 * `AssertionError`: the same suite runs under Jest, Vitest and `node:test`, and each reports the error
 * with its message (and a diff where the runner draws one).
 */
export interface Assertions {
  /** `Object.is`. */
  toBe(expected: unknown): void;
  /** Recursive equality that ignores properties whose value is `undefined` and prototypes (Jest's `toEqual`). */
  toEqual(expected: unknown): void;
  /** Every property of `expected` is in the value and matches, recursively (Jest's `toMatchObject`). */
  toMatchObject(expected: object): void;
  /** A substring of a string, or an element (`===`) of an array or other iterable. */
  toContain(item: unknown): void;
  /** A string matching a regular expression, or containing a string. */
  toMatch(pattern: RegExp | string): void;
  /** A number (or bigint) strictly above `n`. */
  toBeGreaterThan(n: number | bigint): void;
  /** A number (or bigint) at or above `n`. */
  toBeGreaterThanOrEqual(n: number | bigint): void;
  /** A number (or bigint) strictly below `n`. */
  toBeLessThan(n: number | bigint): void;
  /** A number (or bigint) at or below `n`. */
  toBeLessThanOrEqual(n: number | bigint): void;
  /** A string, array or anything else with a `length` property equal to `length`. */
  toHaveLength(length: number): void;
  /** Exactly `null` (not `undefined`). */
  toBeNull(): void;
}

/** The assertions on one value, and their negations under `not`. */
export interface Expectation extends Assertions {
  /** The same assertions, each passing exactly when the positive one fails. */
  readonly not: Assertions;
}

const show = (v: unknown) => inspect(v, { depth: 6, breakLength: 100, maxStringLength: 2000 });

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Jest's `toEqual`: `undefined` properties and prototypes do not count; primitives compare with `Object.is`. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (!isRecord(a) || !isRecord(b)) return false;
  if (a instanceof Date || b instanceof Date)
    return a instanceof Date && b instanceof Date && Object.is(a.getTime(), b.getTime());
  if (a instanceof RegExp || b instanceof RegExp) return String(a) === String(b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) || ArrayBuffer.isView(a)) {
    const x = a as unknown as ArrayLike<unknown>;
    const y = b as unknown as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!deepEqual(x[i], y[i])) return false;
    return true;
  }
  if (a instanceof Map || a instanceof Set || b instanceof Map || b instanceof Set)
    return (
      a.constructor === b.constructor &&
      deepEqual([...(a as unknown as Iterable<unknown>)], [...(b as unknown as Iterable<unknown>)])
    );
  const keys = (o: Record<string, unknown>) => Object.keys(o).filter((k) => o[k] !== undefined);
  const ka = keys(a);
  if (ka.length !== keys(b).length) return false;
  return ka.every((k) => deepEqual(a[k], b[k]));
}

/** Jest's `toMatchObject`: a recursive subset; arrays match element by element, with the same length. */
export function matchesObject(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected))
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((e, i) => matchesObject(actual[i], e))
    );
  if (isRecord(expected) && Object.getPrototypeOf(expected) === Object.prototype)
    return (
      isRecord(actual) &&
      Object.keys(expected).every((k) => k in actual && matchesObject(actual[k], expected[k]))
    );
  return deepEqual(actual, expected);
}

function contains(actual: unknown, item: unknown): boolean {
  if (typeof actual === 'string') return actual.includes(String(item));
  if (isRecord(actual) && Symbol.iterator in actual)
    return [...(actual as Iterable<unknown>)].some((x) => x === item);
  throw new AssertionError({ message: `toContain: ${show(actual)} is neither a string nor iterable` });
}

type Check = (actual: unknown, ...args: never[]) => boolean;

const CHECKS: { [K in keyof Assertions]: Check } = {
  toBe: (a, e: unknown) => Object.is(a, e),
  toEqual: (a, e: unknown) => deepEqual(a, e),
  toMatchObject: (a, e: object) => matchesObject(a, e),
  toContain: (a, e: unknown) => contains(a, e),
  toMatch: (a, p: RegExp | string) =>
    typeof a === 'string' && (typeof p === 'string' ? a.includes(p) : new RegExp(p).test(a)),
  toBeGreaterThan: (a, n: number | bigint) => (a as number) > n,
  toBeGreaterThanOrEqual: (a, n: number | bigint) => (a as number) >= n,
  toBeLessThan: (a, n: number | bigint) => (a as number) < n,
  toBeLessThanOrEqual: (a, n: number | bigint) => (a as number) <= n,
  toHaveLength: (a, n: number) =>
    isRecord(a) || typeof a === 'string' ? (a as { length?: unknown }).length === n : false,
  toBeNull: (a) => a === null,
};

function assertions(actual: unknown, negated: boolean): Assertions {
  const made = {} as Record<keyof Assertions, (...args: unknown[]) => void>;
  for (const [name, check] of Object.entries(CHECKS) as Array<[keyof Assertions, Check]>) {
    made[name] = (...args) => {
      if ((check as (a: unknown, ...rest: unknown[]) => boolean)(actual, ...args) !== negated) return;
      const expected = args.length ? `\nExpected: ${negated ? 'not ' : ''}${show(args[0])}` : '';
      throw new AssertionError({
        message: `expect(received).${negated ? 'not.' : ''}${name}(${args.length ? 'expected' : ''})\n${expected}\nReceived: ${show(actual)}`,
        ...(args.length ? { expected: args[0] } : {}),
        actual,
        operator: name,
        stackStartFn: made[name],
      });
    };
  }
  return made;
}

/**
 * Assertions on `actual` that work under every test runner (they throw `node:assert`'s `AssertionError`).
 *
 * @example
 * ```ts
 * expect(run.output).toBe('hi\n');
 * expect(ids).not.toContain(destroyed);
 * ```
 */
export function expect(actual: unknown): Expectation {
  return Object.assign(assertions(actual, false), { not: assertions(actual, true) });
}
