import { MemoryBackend, type MemoryBackendOptions } from '@vth/backend-kit/testing';

export {
  MEMORY_CAPABILITIES as FAKE_CAPABILITIES,
  MEMORY_PANE as FAKE_PANE,
  type MemoryFault as FakeFault,
  type MemoryLatency as FakeLatency,
  type MemoryRun as FakeRun,
} from '@vth/backend-kit/testing';

/** Options of a {@link FakeBackend}: those of `MemoryBackend`, whose `type` here defaults to `'fake'`. */
export type FakeBackendOptions = MemoryBackendOptions;

/**
 * The in-memory backend of `@vth/backend-kit/testing` (`MemoryBackend`: programmable latency, faults,
 * holds, crashes, and a `ran` log), under the name manager tests have always used; its type defaults to
 * `'fake'`.
 *
 * @example
 * ```ts
 * const backend = new FakeBackend({ id: 'a', latencyMs: 5 });
 * const s = await backend.createSession({ cwd: '/srv' });
 * backend.crash();
 * ```
 */
export class FakeBackend extends MemoryBackend {
  constructor(options: FakeBackendOptions = {}) {
    super({ type: 'fake', ...options });
  }
}
