import { NodePtyBackend } from '@vth/backend-node-pty';
import { describeBackendConformance } from '@vth/testkit';
import { MemoryAuditSink } from './audit-sinks';
import { commandPolicy } from './command-rules';
import { DANGEROUS_COMMANDS } from './dangerous-commands';
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

// The preset over every command and input line the suite sends: none is denied (no false positives). What it
// cannot analyse (the suite's `source`) asks, and is confirmed here; a rule that matched would still deny.
describeBackendConformance({
  name: 'guarded node-pty (DANGEROUS_COMMANDS)',
  create: () =>
    guardBackend(new NodePtyBackend(), {
      policy: commandPolicy({ rules: DANGEROUS_COMMANDS }),
      confirm: (_request, reason) => reason.startsWith('cannot analyse'),
    }),
  config: { interruptGraceMs: 500, killGraceMs: 300 },
});
