// The conformance suite under Vitest, through @vth/testkit/vitest: a fake and a real backend.
import { MEMORY_CAPABILITIES, MemoryBackend } from '@vth/backend-kit/testing';
import { NodePtyBackend } from '@vth/backend-node-pty';
import { describeBackendConformance } from '@vth/testkit/vitest';

describeBackendConformance({
  name: 'memory under Vitest',
  create: () => new MemoryBackend({ requireInitialize: true }),
  capabilities: MEMORY_CAPABILITIES,
  shellFeatures: { bash: false, incompleteInput: false, realShell: false },
});

describeBackendConformance({
  name: 'node-pty under Vitest',
  create: () => new NodePtyBackend(),
  config: { interruptGraceMs: 500, killGraceMs: 300 },
});
