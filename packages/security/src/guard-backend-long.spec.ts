import { NodePtyBackend } from '@vth/backend-node-pty';
import { MemoryBackend } from '@vth/backend-kit/testing';
import { expectOk, pollUntil } from '@vth/testkit';
import { MemoryAuditSink } from './audit-sinks';
import { guardBackend } from './guard-backend';

describe('guardBackend and long commands', () => {
  it('audits a yielded command as running, then its outcome when it ends; readOutput/waitFor pass, unlimited', async () => {
    const sink = new MemoryAuditSink();
    const inner = new NodePtyBackend();
    // One command per session: reading a yielded command's output must not spend it, nor be refused.
    const backend = guardBackend(inner, {
      rateLimit: { perSession: { capacity: 1, refillPerSecond: 0.001 } },
      audit: { sink },
    });
    expectOk(await backend.initialize({}));
    try {
      expect(backend.capabilities.longCommands).toBe(true);
      const s = expectOk(await backend.createSession());
      const run = expectOk(
        await backend.executeCommand(s.id, 'echo serving; sleep 30', undefined, {
          yieldAfterMs: 200,
          userId: 'ada',
        }),
      );
      expect(run.status).toBe('running');
      expect(sink.records.map((r) => [r.outcome, r.commandId, r.userId])).toEqual([
        ['running', run.id, 'ada'],
      ]);
      const ready = expectOk(await backend.waitFor!(run.handle!, { pattern: 'serving', timeoutMs: 10_000 }));
      expect(ready.reason).toBe('pattern');
      for (let i = 0; i < 3; i++) expectOk(await backend.readOutput!(run.handle!));
      const limited = await backend.executeCommand(s.id, 'echo again');
      expect(!limited.ok && limited.error.code).toBe('RATE_LIMITED');
      expectOk(await backend.interrupt(s.id));
      const records = await pollUntil(
        () => sink.records,
        (r) => r.some((x) => x.outcome === 'interrupted'),
        { timeoutMs: 10_000 },
      );
      const final = records.filter((r) => r.commandId === run.id).map((r) => [r.outcome, r.userId]);
      expect(final).toEqual([
        ['running', 'ada'],
        ['interrupted', 'ada'],
      ]);
    } finally {
      await backend.shutdown();
    }
  }, 20_000);

  it('answers UNSUPPORTED (not dispatched) for a backend without long commands', async () => {
    const inner = new MemoryBackend();
    // A backend written before long commands: no readOutput / waitFor at all.
    for (const name of ['readOutput', 'waitFor']) Object.defineProperty(inner, name, { value: undefined });
    const backend = guardBackend(inner, {});
    for (const r of [
      await backend.readOutput!('s:0:c'),
      await backend.waitFor!('s:0:c', { exit: true, timeoutMs: 1 }),
    ]) {
      expect(r).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED', dispatched: false } });
    }
  });
});
