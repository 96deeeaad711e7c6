/**
 * `@vth/testkit`: the vth conformance suite for Jest. Any `ITerminalBackend` proves it keeps the contract
 * of `@vth/core` with one `describeBackendConformance` call in a spec file; the suite runs real commands in
 * real shells, waits on conditions with deadlines, and checks that nothing leaks. The helpers it uses
 * (`expectOk`, `pollUntil`, `watchOutput`, ...) are exported for a backend's own tests. Import it from spec
 * files only: `@jest/globals` refuses to load outside Jest.
 *
 * @example
 * ```ts
 * import { describeBackendConformance } from '@vth/testkit';
 * describeBackendConformance({ name: 'my-backend', create: () => new MyBackend(), config: {} });
 * ```
 *
 * @module @vth/testkit
 */
export { describeBackendConformance } from './describe-backend-conformance';
export { type BackendConformanceOptions, type ConformanceTestContext, type ShellFeatures } from './options';
export { listDescendantProcesses } from './list-descendant-processes';
export {
  expectOk,
  expectFailure,
  expectWellFormedResult,
  expectSameText,
  watchOutput,
  pollUntil,
  settleWithin,
  type OutputWatch,
  type Settled,
} from './helpers';
