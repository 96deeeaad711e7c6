import { NodePtyBackend } from '@vth/backend-node-pty';
import { MemoryBackend } from '@vth/backend-kit/testing';
import { expectOk } from '@vth/testkit';
import { guardBackend } from './guard-backend';

describe('guardBackend passes flow control through', () => {
  it('forwards pauseOutput and resumeOutput to a backend that has them (node-pty), unguarded', async () => {
    const inner = new NodePtyBackend();
    // A rate limit of one call: flow control must not spend it, nor be refused by it.
    const backend = guardBackend(inner, {
      rateLimit: { perSession: { capacity: 1, refillPerSecond: 0.001 } },
    });
    expectOk(await backend.initialize({}));
    try {
      expect(backend.capabilities.flowControl).toBe(true);
      const s = expectOk(await backend.createSession());
      const pause = jest.spyOn(inner, 'pauseOutput');
      const resume = jest.spyOn(inner, 'resumeOutput');
      for (let i = 0; i < 3; i++) {
        expectOk(await backend.pauseOutput!(s.id));
        expectOk(await backend.resumeOutput!(s.id));
      }
      expect(pause).toHaveBeenCalledTimes(3);
      expect(resume).toHaveBeenCalledTimes(3);
      expect(expectOk(await backend.executeCommand(s.id, 'echo flowing')).output).toBe('flowing\n');
    } finally {
      await backend.shutdown();
    }
  });

  it('answers UNSUPPORTED (not dispatched) for a backend without flow control', async () => {
    const backend = guardBackend(new MemoryBackend());
    expectOk(await backend.initialize({}));
    try {
      const s = expectOk(await backend.createSession());
      for (const r of [await backend.pauseOutput!(s.id), await backend.resumeOutput!(s.id)]) {
        expect(r).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED', dispatched: false } });
      }
    } finally {
      await backend.shutdown();
    }
  });
});
