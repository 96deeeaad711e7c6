/**
 * `@vth/backend-kit/testing`: `MemoryBackend`, a complete `ITerminalBackend` whose shell is a fake in memory
 * (`fakeShellHandler`), with programmable latency and injected faults, and `memoryPlugin`, which makes such
 * backends through real plugin handling. For testing callers of a backend (a factory, a manager, an app)
 * fast and deterministically; it runs nothing.
 *
 * @example
 * ```ts
 * const backend = new MemoryBackend();
 * backend.failNext(1, { code: 'UNAVAILABLE', dispatched: false });
 * const run = await backend.executeCommand(sessionId, 'echo hi'); // fails UNAVAILABLE, never ran
 * ```
 *
 * @module @vth/backend-kit/testing
 */
export { MemoryBackend } from './memory-backend';
export {
  MEMORY_CAPABILITIES,
  MEMORY_PANE,
  type MemoryBackendOptions,
  type MemoryFault,
  type MemoryLatency,
  type MemoryRun,
} from './memory-options';
export {
  memoryPlugin,
  memoryConfigSchema,
  type MemoryPlugin,
  type MemoryPluginConfig,
  type MemoryPluginOptions,
} from './memory-plugin';
export {
  fakeShellHandler,
  type FakeCommandHandler,
  type FakeShellState,
  type FakeCommandResult,
} from './fake-shell';
