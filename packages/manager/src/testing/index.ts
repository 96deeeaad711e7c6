/**
 * `@vth/manager/testing`: what tests of a `BackendManager` (or of a selection strategy) need without real
 * terminals: an in-memory `FakeBackend` that crashes, slows down and fails on demand, a plugin that makes
 * them for a real `BackendFactory`, a seeded random source, and a `BackendView` builder. Use them beside
 * real-backend tests, never instead.
 *
 * @example
 * ```ts
 * import { createFakePlugin, seededRandom } from '@vth/manager/testing';
 * const fakes = createFakePlugin('fake');
 * const manager = new BackendManager({ factory: new BackendFactory({ plugins: [fakes.plugin] }), random: seededRandom(1) });
 * ```
 *
 * @module @vth/manager/testing
 */
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
