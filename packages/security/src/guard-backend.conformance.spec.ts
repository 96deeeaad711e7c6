import { NodePtyBackend } from '@vth/backend-node-pty';
import { describeBackendConformance } from '@vth/testkit';
import { MemoryAuditSink } from './audit-sinks';
import { guardBackend } from './guard-backend';

// Nothing configured: the decorator must be invisible.
describeBackendConformance({
  name: 'guarded node-pty (nothing configured)',
  create: () => guardBackend(new NodePtyBackend(), { backendId: 'x', backendType: 'node-pty' }),
  config: { interruptGraceMs: 500, killGraceMs: 300 },
});

// Everything configured, generously: admission, ordering and auditing must keep the contract too.
describeBackendConformance({
  name: 'guarded node-pty (everything configured)',
  create: () =>
    guardBackend(new NodePtyBackend(), {
      rateLimit: {
        perSession: { capacity: 1_000_000, refillPerSecond: 1_000_000 },
        perUser: { capacity: 1_000_000, refillPerSecond: 1_000_000 },
      },
      policy: async () => 'allow' as const,
      audit: { sink: new MemoryAuditSink(10_000) },
    }),
  config: { interruptGraceMs: 500, killGraceMs: 300 },
});
