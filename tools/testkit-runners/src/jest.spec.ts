// The conformance suite under Jest, through @vth/testkit/jest: a fake and a real backend.
import { MEMORY_CAPABILITIES, MemoryBackend } from '@vth/backend-kit/testing';
import { NodePtyBackend } from '@vth/backend-node-pty';
import { describeBackendConformance } from '@vth/testkit/jest';

describeBackendConformance({
  name: 'memory under Jest',
  create: () => new MemoryBackend({ requireInitialize: true }),
  capabilities: MEMORY_CAPABILITIES,
  shellFeatures: { bash: false, incompleteInput: false, realShell: false },
});

describeBackendConformance({
  name: 'node-pty under Jest',
  create: () => new NodePtyBackend(),
  config: { interruptGraceMs: 500, killGraceMs: 300 },
});
