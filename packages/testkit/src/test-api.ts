/** A test or hook body. Whatever it returns is awaited and then dropped (Vitest treats a function returned by a hook as its teardown). */
export type TestBody = () => unknown;

/** Registers one test; `timeoutMs` is the test's own timeout. */
export type RegisterTestFn = (title: string, body: TestBody, timeoutMs?: number) => void;

/** Registers a hook of the enclosing `describe` block. */
export type RegisterHookFn = (body: TestBody, timeoutMs?: number) => void;

/**
 * The few functions of a test runner the conformance suite registers its tests with. One suite definition
 * runs under Jest, Vitest and `node:test` through an adapter each (`@vth/testkit/jest`, `/vitest`,
 * `/node-test`); assertions inside the suite do not come from the runner (they throw `node:assert`'s
 * `AssertionError`, which every runner reports).
 *
 * @example
 * ```ts
 * // An adapter for another runner: map its functions, then register the suite with it.
 * import { describe, it, before, after, beforeEach, afterEach } from 'some-runner';
 * const api: TestApi = {
 *   describe,
 *   it: (title, body, timeoutMs) => it(title, async () => void (await body()), timeoutMs),
 *   skip: (title, body) => it.skip(title, async () => void (await body())),
 *   beforeAll: (body, t) => before(async () => void (await body()), t),
 *   afterAll: (body, t) => after(async () => void (await body()), t),
 *   beforeEach: (body, t) => beforeEach(async () => void (await body()), t),
 *   afterEach: (body, t) => afterEach(async () => void (await body()), t),
 * };
 * registerBackendConformance(api, { name: 'mine', create: () => new MyBackend() });
 * ```
 */
export interface TestApi {
  /** A block of tests; its body runs synchronously, registering tests and hooks. */
  describe(title: string, body: () => void): void;
  /** Registers a test. */
  it: RegisterTestFn;
  /** Registers a test reported as skipped (a capability the backend lacks: the title says which). */
  skip: RegisterTestFn;
  /** Runs once before the tests of the enclosing block (`before` in `node:test`). */
  beforeAll: RegisterHookFn;
  /** Runs once after the tests of the enclosing block, also when one failed (`after` in `node:test`). */
  afterAll: RegisterHookFn;
  /** Runs before each test of the enclosing block. */
  beforeEach: RegisterHookFn;
  /** Runs after each test of the enclosing block, also when it failed. */
  afterEach: RegisterHookFn;
}

/** The runner's body type: returns a Promise of nothing, whatever the suite's body returned. */
export function settled(body: TestBody): () => Promise<void> {
  return async () => {
    await body();
  };
}
