/**
 * `@vth/testkit/jest`: the vth conformance suite registered under Jest (`@jest/globals`), with the
 * helpers and assertions every entry point shares. The package's main entry point is this one.
 *
 * @module @vth/testkit/jest
 */
// The first import is one the declaration file keeps, so this comment stays the module's.
import { type BackendConformanceOptions } from './options';
import { afterAll, afterEach, beforeAll, beforeEach, describe, it } from '@jest/globals';
import { settled, type TestApi } from './test-api';
import { registerBackendConformance } from './conformance-suite';

/** The conformance suite's test API on Jest (`@jest/globals`). */
const jestApi: TestApi = {
  describe,
  it: (title, body, timeoutMs) => it(title, settled(body), timeoutMs),
  skip: (title, body, timeoutMs) => it.skip(title, settled(body), timeoutMs),
  beforeAll: (body, timeoutMs) => beforeAll(settled(body), timeoutMs),
  afterAll: (body, timeoutMs) => afterAll(settled(body), timeoutMs),
  beforeEach: (body, timeoutMs) => beforeEach(settled(body), timeoutMs),
  afterEach: (body, timeoutMs) => afterEach(settled(body), timeoutMs),
};

/**
 * Registers the vth conformance suite for one backend under Jest (see `registerBackendConformance` for
 * what it covers). Call it at the top level of a spec file.
 *
 * @example
 * ```ts
 * import { describeBackendConformance } from '@vth/testkit/jest'; // or '@vth/testkit'
 * import { NodePtyBackend } from '@vth/backend-node-pty';
 *
 * describeBackendConformance({ name: 'node-pty', create: () => new NodePtyBackend(), config: {} });
 * ```
 */
export function describeBackendConformance(options: BackendConformanceOptions): void {
  registerBackendConformance(jestApi, options);
}

export * from './shared-exports';
