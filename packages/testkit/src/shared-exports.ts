// What every entry point (`@vth/testkit`, `/jest`, `/vitest`, `/node-test`) exports besides its runner's
// `describeBackendConformance`: nothing here depends on a test runner.
export { registerBackendConformance } from './conformance-suite';
export { type TestApi, type TestBody, type RegisterTestFn, type RegisterHookFn } from './test-api';
export { type BackendConformanceOptions, type ConformanceTestContext, type ShellFeatures } from './options';
export { listDescendantProcesses } from './list-descendant-processes';
export { expect, type Assertions, type Expectation } from './expect';
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
