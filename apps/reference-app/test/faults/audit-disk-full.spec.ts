import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { JsonLinesFileSink, type PolicyRequest } from '@vth/security';
import { expectOk, pollUntil } from '@vth/testkit';
import { FaultManager } from './fault-manager';
import { expectNoSilentLoss, expectRecovered, printFigure, WAIT_MS } from './fault-outcome';
import { describeWithMountNamespace, PrivateTmpfs } from './private-tmpfs';

const SESSIONS = 6;
const DISK_BYTES = 256 * 1024;

/** Refuses what names itself forbidden: the policy must hold whatever the audit disk does. */
const policy = (request: PolicyRequest) =>
  request.command.includes('FORBIDDEN') ? { decision: 'deny' as const, reason: 'fault test' } : 'allow';

/**
 * The audit log's disk full under load (a tiny tmpfs in a private mount namespace, filled to the last
 * byte): as documented, an audit failure never breaks a command: commands keep running and the policy
 * keeps refusing (fail closed for what it forbids), each failed write is reported to `onError` with the
 * disk's error (`ENOSPC`), nothing crashes, and records land in the file again once there is room.
 */
describeWithMountNamespace('fault: the audit log disk full under load', () => {
  it('keeps commands and the policy going, reports ENOSPC, and audits again once there is room', async () => {
    const disk = await PrivateTmpfs.mount(DISK_BYTES);
    const auditFile = path.join(disk.path, 'audit.jsonl');
    const failures: Error[] = [];
    const sink = new JsonLinesFileSink(auditFile, { onError: (e) => failures.push(e) });
    const audited = () => (existsSync(auditFile) ? readFileSync(auditFile, 'utf8') : '');
    let lab: FaultManager | undefined;
    try {
      lab = await FaultManager.start({
        backends: [
          { type: 'node-pty', id: 'pty', security: { auditSink: sink, policy } },
          { type: 'tmux', id: 'tmux', security: { auditSink: sink, policy } },
        ],
        strategy: 'round-robin',
      });
      const { manager } = lab;
      const load = await lab.startLoad({ sessions: SESSIONS });
      await load.untilEach(3);
      expect(failures).toEqual([]);

      const filledAt = performance.now();
      disk.fill();
      const reported = await pollUntil(
        () => failures.length,
        (n) => n > 0,
        { timeoutMs: WAIT_MS },
      );
      expect(reported).toBeGreaterThan(0);
      const detectedMs = performance.now() - filledAt;
      // The disk is full: commands go on, and what the policy forbids is still refused, never run.
      await load.untilEach(3, performance.now());
      const probe = expectOk(await manager.createSession());
      const refused = await manager.executeCommand(probe.id, `echo FORBIDDEN >> '${load.ledgerFile}'`);
      expect(!refused.ok && refused.error).toMatchObject({ code: 'FORBIDDEN', dispatched: false });
      expectOk(await manager.destroySession(probe.id));

      // Room again: the next records land in the file.
      disk.free();
      const freedAt = performance.now();
      await load.untilEach(3, freedAt);
      const after = load.records.filter((r) => r.kind === 'completed' && r.sentAt > freedAt).at(-1)!;
      expect(
        await pollUntil(audited, (text) => text.includes(after.token), { timeoutMs: WAIT_MS }),
      ).toContain(after.token);
      await load.stop();

      const report = load.report();
      expectNoSilentLoss(report);
      expect(report.errors).toEqual({});
      expect(readFileSync(load.ledgerFile, 'utf8')).not.toContain('FORBIDDEN');
      // Every failure is the full disk, named by its code, for the operator's handler.
      const codes = failures.map((e) => (e.cause as NodeJS.ErrnoException | undefined)?.code);
      expect(codes.filter((code) => code !== 'ENOSPC')).toEqual([]);
      await expectRecovered(manager);
      printFigure(`audit disk full (${failures.length} failed writes reported as ENOSPC)`, {
        detectedMs,
        moved: 0,
        report,
      });
    } finally {
      try {
        await lab?.close([disk.pid]);
      } finally {
        await sink.close();
        await disk.close();
      }
    }
  }, 120_000);
});
