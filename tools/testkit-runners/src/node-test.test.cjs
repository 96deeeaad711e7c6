// The conformance suite under node:test, through @vth/testkit/node-test: a fake and a real backend.
// Plain JavaScript, as a third-party author without a TypeScript setup would write it.
const { MEMORY_CAPABILITIES, MemoryBackend } = require('@vth/backend-kit/testing');
const { NodePtyBackend } = require('@vth/backend-node-pty');
const { describeBackendConformance } = require('@vth/testkit/node-test');

describeBackendConformance({
  name: 'memory under node:test',
  create: () => new MemoryBackend({ requireInitialize: true }),
  capabilities: MEMORY_CAPABILITIES,
  shellFeatures: { bash: false, incompleteInput: false, realShell: false },
});

describeBackendConformance({
  name: 'node-pty under node:test',
  create: () => new NodePtyBackend(),
  config: { interruptGraceMs: 500, killGraceMs: 300 },
});
