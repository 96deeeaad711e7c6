import {
  MEMORY_CAPABILITIES,
  memoryPlugin as memoryBackendPlugin,
  type MemoryPlugin,
} from '@vth/backend-kit/testing';
import {
  type BackendCapabilities,
  type BackendConfig,
  type BackendPlugin,
  type BackendResult,
} from '@vth/core';
import { z } from 'zod';

/** What the factory's test plugin declares: less than a memory backend does, so capability checks can refuse. */
export const memoryCapabilities: BackendCapabilities = {
  ...MEMORY_CAPABILITIES,
  resize: false,
  streaming: false,
  cwdTracking: false,
};

/** Has defaults at two levels, so a test can see that `initialize` gets the parsed config, not the input. */
export const memoryConfigSchema = z.object({
  shell: z.string().default('sh'),
  limits: z
    .object({
      maxSessions: z.number().int().positive().default(4),
      greeting: z.string().optional(),
    })
    .default({ maxSessions: 4 }),
});
export type MemoryConfig = z.infer<typeof memoryConfigSchema>;

export interface MemoryBackendHooks {
  initialize?: (config: BackendConfig) => Promise<BackendResult<void>>;
}

/**
 * A valid plugin of memory backends (`MemoryBackend` of `@vth/backend-kit/testing`) as the factory's tests
 * declare it; `overrides` bend one part of it per test. `created` collects every backend the plugin made
 * (each keeps what it was created with, initialized with, and how often it was shut down), so a test can
 * inspect what the factory did with it.
 */
export function memoryPlugin(
  overrides: Partial<BackendPlugin<MemoryConfig>> & { hooks?: MemoryBackendHooks } = {},
): MemoryPlugin<MemoryConfig> {
  const { hooks, ...rest } = overrides;
  return memoryBackendPlugin<MemoryConfig>({
    type: 'memory',
    version: '1.0.0',
    description: 'in-memory test backend',
    contractVersion: 1,
    capabilities: memoryCapabilities,
    configSchema: memoryConfigSchema,
    backend: () => (hooks?.initialize ? { onInitialize: hooks.initialize } : {}),
    ...rest,
  });
}
