import { executionContextSchema } from '@vth/core';

/**
 * Arguments a hostile or careless caller can hand a backend: objects whose property reads throw, Proxies,
 * revoked Proxies, boxed strings, objects whose conversion to a string throws, and AbortSignal look-alikes
 * whose methods throw. A public method must answer each with a result; none may reach the process as an
 * uncaught exception.
 */

export type Hostile = readonly [label: string, value: unknown];

function hostileError(what: string): Error {
  return new Error(`hostile ${what}`);
}

/** A Proxy every operation of which throws: reads, `in`, key listing, descriptors, prototype, calls. */
export function throwingProxy(target: object = {}): object {
  const thrower = (trap: string) => () => {
    throw hostileError(`proxy ${trap}`);
  };
  return new Proxy(target, {
    get: thrower('get'),
    has: thrower('has'),
    ownKeys: thrower('ownKeys'),
    getOwnPropertyDescriptor: thrower('getOwnPropertyDescriptor'),
    getPrototypeOf: thrower('getPrototypeOf'),
    apply: thrower('apply'),
  });
}

/** A revoked Proxy: `typeof` says object, and every other operation throws a TypeError. */
export function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/** `base` plus an enumerable property `field` whose getter throws. */
export function throwingGetter(field: string, base: object = {}): object {
  return Object.defineProperty({ ...base }, field, {
    enumerable: true,
    configurable: true,
    get() {
      throw hostileError(`getter ${field}`);
    },
  });
}

/** An object that throws whenever something tries to turn it into a string or a number. */
export function throwingConversion(): object {
  const thrower = () => {
    throw hostileError('conversion');
  };
  return { toString: thrower, valueOf: thrower, [Symbol.toPrimitive]: thrower };
}

/** Values that look like a string to careless code and are not one. */
export function hostileStrings(text: string): Hostile[] {
  return [
    ['a String object', new String(text)],
    ['an object whose toString throws', throwingConversion()],
    ['a Proxy whose traps throw', throwingProxy()],
    ['a revoked Proxy', revokedProxy()],
  ];
}

/** Values that look like a number to careless code and are not one. */
export function hostileNumbers(n: number): Hostile[] {
  return [
    ['a Number object', new Number(n)],
    ['an object whose valueOf throws', throwingConversion()],
    ['a Proxy whose traps throw', throwingProxy()],
  ];
}

/** Option objects (`createSession`, `capture`) whose reading throws. */
export function hostileOptions(fields: readonly string[]): Hostile[] {
  return [
    ['a Proxy whose traps throw', throwingProxy()],
    ['a revoked Proxy', revokedProxy()],
    ...fields.map((field): Hostile => [`a throwing getter on ${field}`, throwingGetter(field)]),
  ];
}

/** A working AbortSignal look-alike over a real one, with `overrides` on top (getters stay getters). */
function signalLike(overrides: PropertyDescriptorMap): object {
  const real = new AbortController().signal;
  const base = {
    get aborted() {
      return real.aborted;
    },
    get reason(): unknown {
      return real.reason;
    },
    addEventListener: real.addEventListener.bind(real),
    removeEventListener: real.removeEventListener.bind(real),
  };
  return Object.defineProperties(base, overrides);
}

const throwingGet = (what: string): PropertyDescriptor => ({
  get() {
    throw hostileError(`signal getter ${what}`);
  },
});
const throwingMethod = (what: string): PropertyDescriptor => ({
  value: () => {
    throw hostileError(`signal method ${what}`);
  },
});

/**
 * Contexts that must be refused with `INVALID_INPUT`: each field behind a throwing getter, Proxies, and
 * signals whose `aborted`, `reason` or `addEventListener` throw when read or called. A backend must read
 * them to use them, so it can only refuse them.
 */
export function refusedContexts(): Hostile[] {
  return [
    ...Object.keys(executionContextSchema.shape).map((field): Hostile => [
      `a throwing getter on context.${field}`,
      throwingGetter(field),
    ]),
    ['a Proxy whose traps throw', throwingProxy()],
    ['a revoked Proxy', revokedProxy()],
    ['a signal that is a Proxy whose traps throw', { signal: throwingProxy() }],
    ['a signal whose aborted getter throws', { signal: signalLike({ aborted: throwingGet('aborted') }) }],
    [
      'a signal whose addEventListener throws',
      { signal: signalLike({ addEventListener: throwingMethod('addEventListener') }) },
    ],
    [
      'a signal whose addEventListener getter throws',
      { signal: signalLike({ addEventListener: throwingGet('addEventListener') }) },
    ],
  ];
}

/**
 * Contexts a backend may accept or refuse (`INVALID_INPUT`), but that must never reach the process as an
 * uncaught exception nor leave a call pending: a signal whose `removeEventListener` throws (a backend
 * that removes its abort listener when the command ends meets it then) or whose `reason` getter throws.
 */
export function toleratedContexts(): Hostile[] {
  return [
    [
      'a signal whose removeEventListener throws',
      { signal: signalLike({ removeEventListener: throwingMethod('removeEventListener') }) },
    ],
    [
      'a signal whose removeEventListener getter throws',
      { signal: signalLike({ removeEventListener: throwingGet('removeEventListener') }) },
    ],
    ['a signal whose reason getter throws', { signal: signalLike({ reason: throwingGet('reason') }) }],
  ];
}
