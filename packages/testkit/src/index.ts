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
