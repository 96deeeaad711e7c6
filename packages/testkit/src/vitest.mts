/**
 * `@vth/testkit/vitest`: the vth conformance suite registered under Vitest, with the helpers and assertions
 * every entry point shares. An ES module: Vitest cannot be loaded with `require`.
 *
 * @module @vth/testkit/vitest
 */
// The first import is one the declaration file keeps, so this comment stays the module's.
import { type BackendConformanceOptions } from './options.js';
// ESM: Vitest cannot be loaded with require() (its CommonJS entry throws), so this adapter is an ES module.
import { afterAll, afterEach, beforeAll, beforeEach, describe, it } from 'vitest';
import { settled, type TestApi } from './test-api.js';
import { registerBackendConformance } from './conformance-suite.js';

/** The conformance suite's test API on Vitest. */
const vitestApi: TestApi = {
  describe: (title, body) => void describe(title, body),
  it: (title, body, timeoutMs) => void it(title, settled(body), timeoutMs),
  skip: (title, body, timeoutMs) => void it.skip(title, settled(body), timeoutMs),
  beforeAll: (body, timeoutMs) => void beforeAll(settled(body), timeoutMs),
  afterAll: (body, timeoutMs) => void afterAll(settled(body), timeoutMs),
  beforeEach: (body, timeoutMs) => void beforeEach(settled(body), timeoutMs),
  afterEach: (body, timeoutMs) => void afterEach(settled(body), timeoutMs),
};

/**
 * Registers the vth conformance suite for one backend under Vitest (an ES module: Vitest itself cannot be loaded with `require`) (see `registerBackendConformance` for
 * what it covers). Call it at the top level of a spec file.
 *
 * @example
 * ```ts
 * // node-pty.test.ts
 * import { describeBackendConformance } from '@vth/testkit/vitest';
 * import { NodePtyBackend } from '@vth/backend-node-pty';
 *
 * describeBackendConformance({ name: 'node-pty', create: () => new NodePtyBackend(), config: {} });
 * ```
 */
export function describeBackendConformance(options: BackendConformanceOptions): void {
  registerBackendConformance(vitestApi, options);
}

export * from './shared-exports.js';
