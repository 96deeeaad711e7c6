/**
 * `@vth/testkit/node-test`: the vth conformance suite registered under `node:test` (run the file with
 * `node --test`), with the helpers and assertions every entry point shares.
 *
 * @module @vth/testkit/node-test
 */
// The first import is one the declaration file keeps, so this comment stays the module's.
import { type BackendConformanceOptions } from './options';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { settled, type TestApi } from './test-api';
import { registerBackendConformance } from './conformance-suite';

const timeout = (timeoutMs: number | undefined) => (timeoutMs === undefined ? {} : { timeout: timeoutMs });

/** The conformance suite's test API on `node:test` (`before`/`after` are its `beforeAll`/`afterAll`). */
const nodeTestApi: TestApi = {
  describe: (title, body) => void describe(title, body),
  it: (title, body, timeoutMs) => void it(title, timeout(timeoutMs), settled(body)),
  skip: (title, body, timeoutMs) => void it(title, { ...timeout(timeoutMs), skip: true }, settled(body)),
  beforeAll: (body, timeoutMs) => before(settled(body), timeout(timeoutMs)),
  afterAll: (body, timeoutMs) => after(settled(body), timeout(timeoutMs)),
  beforeEach: (body, timeoutMs) => beforeEach(settled(body), timeout(timeoutMs)),
  afterEach: (body, timeoutMs) => afterEach(settled(body), timeout(timeoutMs)),
};

/**
 * Registers the vth conformance suite for one backend under `node:test` (run it with `node --test`) (see `registerBackendConformance` for
 * what it covers). Call it at the top level of a spec file.
 *
 * @example
 * ```ts
 * // node-pty.test.cjs
 * const { describeBackendConformance } = require('@vth/testkit/node-test');
 * const { NodePtyBackend } = require('@vth/backend-node-pty');
 *
 * describeBackendConformance({ name: 'node-pty', create: () => new NodePtyBackend(), config: {} });
 * ```
 */
export function describeBackendConformance(options: BackendConformanceOptions): void {
  registerBackendConformance(nodeTestApi, options);
}

export * from './shared-exports';
