import { fail, ok, type BackendResult } from '@vth/core';
import { breakerState, CircuitGuard, newBreaker, type Breakable } from './circuit-breaker';

function member(failures: number, halfOpenAfterMs = 60_000): Breakable {
  return { id: 'b1', breaker: newBreaker(failures, halfOpenAfterMs) };
}

const unavailable = async (): Promise<BackendResult<number>> =>
  fail('UNAVAILABLE', 'down', { dispatched: false });

describe('CircuitGuard', () => {
  it('opens after the given infrastructure failures in a row, then answers UNAVAILABLE without calling', async () => {
    const opened: Breakable[] = [];
    const guard = new CircuitGuard<Breakable>((m) => opened.push(m));
    const m = member(2);
    expect(breakerState(m.breaker)).toBe('closed');
    expect((await guard.call(m, unavailable)).ok).toBe(false);
    expect(breakerState(m.breaker)).toBe('closed');
    await guard.call(m, unavailable);
    expect(breakerState(m.breaker)).toBe('open');

    let called = false;
    const refused = await guard.call(m, async () => {
      called = true;
      return ok(1);
    });
    expect(called).toBe(false);
    expect(!refused.ok && refused.error).toMatchObject({
      code: 'UNAVAILABLE',
      dispatched: false,
      backendId: 'b1',
    });
    expect(!refused.ok && refused.error.message).toBe(
      'backend b1 is failing (circuit open); try again later',
    );
    expect(opened).toEqual([m]);
  });

  it("does not count the caller's own failures (bad input, refusals) against the backend", async () => {
    const guard = new CircuitGuard<Breakable>(() => undefined);
    const m = member(1);
    for (let i = 0; i < 3; i++) await guard.call(m, async () => fail('INVALID_INPUT', 'bad'));
    await guard.call(m, async () => fail('FORBIDDEN', 'no'));
    expect(breakerState(m.breaker)).toBe('closed');
  });

  it('answers a call that throws with INTERNAL, dispatched (it may have reached the shell)', async () => {
    const guard = new CircuitGuard<Breakable>(() => undefined);
    const thrown = await guard.call(member(5), async () => {
      throw new Error('boom');
    });
    expect(!thrown.ok && thrown.error).toMatchObject({ code: 'INTERNAL', dispatched: true, backendId: 'b1' });
    expect(!thrown.ok && thrown.error.message).toBe('backend b1 threw: boom');
    const odd = await guard.call(member(5), () => Promise.reject('a string'));
    expect(!odd.ok && odd.error.message).toBe('backend b1 threw: a string');
  });

  it('treats an isolated breaker as open', async () => {
    const opened: Breakable[] = [];
    const guard = new CircuitGuard<Breakable>((m) => opened.push(m));
    const m = member(5);
    const handle = m.breaker.isolate();
    expect(breakerState(m.breaker)).toBe('isolated');
    const r = await guard.call(m, async () => ok(1));
    expect(!r.ok && r.error.code).toBe('UNAVAILABLE');
    expect(opened).toEqual([m]);
    handle.dispose();
    expect(breakerState(m.breaker)).toBe('closed');
  });

  it('lets one trial call through once the pause is over (half-open), and closes on success', async () => {
    const guard = new CircuitGuard<Breakable>(() => undefined);
    const m = member(1, 1);
    await guard.call(m, unavailable);
    expect(breakerState(m.breaker)).toBe('open');
    // Poll (no sleep) until the 1 ms pause is over: a call then runs as the trial instead of being refused.
    const deadline = Date.now() + 5_000;
    let finish: (r: BackendResult<number>) => void = () => undefined;
    let trial: Promise<BackendResult<number>> | undefined;
    while (trial === undefined && Date.now() < deadline) {
      await new Promise((resolve) => setImmediate(resolve));
      let ran = false;
      const pending = guard.call(m, () => {
        ran = true;
        return new Promise<BackendResult<number>>((resolve) => (finish = resolve));
      });
      if (ran) trial = pending;
      else await pending;
    }
    expect(trial).toBeDefined();
    expect(breakerState(m.breaker)).toBe('half-open');
    finish(ok(1));
    expect(await trial).toEqual({ ok: true, value: 1 });
    expect(breakerState(m.breaker)).toBe('closed');
  });
});
