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
