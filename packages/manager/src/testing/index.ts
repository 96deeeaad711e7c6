export {
  FakeBackend,
  FAKE_CAPABILITIES,
  FAKE_PANE,
  type FakeBackendOptions,
  type FakeFault,
  type FakeRun,
  type FakeLatency,
} from './fake-backend';
export {
  fakeShellHandler,
  type FakeCommandHandler,
  type FakeShellState,
  type FakeCommandResult,
} from '@vth/backend-kit/testing';
export { createFakePlugin, type FakePlugin } from './fake-plugin';
export { seededRandom } from './seeded-random';
export { backendView } from './backend-view-fixture';
export { chiSquare } from './chi-square';
