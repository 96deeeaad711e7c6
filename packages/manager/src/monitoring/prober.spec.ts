import { expectOk, pollUntil } from '@vth/testkit';
import { fakePool, proberOf } from '../../test/fake-pool';

function setup(probe: { enabled?: boolean; command?: string } = {}) {
  const base = fakePool({ probe: { enabled: false, timeoutMs: 5000, ...probe } });
  const prober = proberOf(base);
  return { ...base, prober };
}

const probeSessions = (runs: Array<{ sessionId: string }>): string[] => [
  ...new Set(runs.map((r) => r.sessionId)),
];

describe('Prober', () => {
  it('runs the probe command in a probe session of its own, kept for the next probes, and records the outcome', async () => {
    const { prober, member, fakeOf } = setup({ command: 'echo probe' });
    const a = await member('a');
    await prober.probeAll();
    await prober.probeAll();
    expect(fakeOf(a).ran).toEqual(['echo probe', 'echo probe']);
    expect(probeSessions(fakeOf(a).runs)).toHaveLength(1);
    expect(a.tracker.snapshot(Date.now())).toMatchObject({ lastProbeOk: true });
  });

  it('records a failing probe, and rebuilds a member that calls itself unhealthy and holds no session', async () => {
    const { prober, member, fakeOf, fakes } = setup();
    const a = await member('a');
    const first = fakeOf(a);
    first.crash();
    await prober.probe(a);
    expect(a.tracker.snapshot(Date.now()).lastProbeOk).toBe(false);
    expect(a.backend).not.toBe(first);
    expect(a.backend).toBe(fakes.instances[1]);
    // The new instance gets a probe session of its own.
    await prober.probe(a);
    expect(a.tracker.snapshot(Date.now()).lastProbeOk).toBe(true);
    expect(fakes.instances[1]!.ran).toEqual(['true']);
  });

  it('does not count a probe refused for the caller (a rate limit) against the backend', async () => {
    const { prober, member, fakeOf } = setup();
    const a = await member('a');
    await prober.probe(a);
    const before = a.tracker.snapshot(Date.now());
    expect(before).toMatchObject({ lastProbeOk: true });
    fakeOf(a).failNext(1, { code: 'RATE_LIMITED', dispatched: false });
    await prober.probe(a);
    expect(fakeOf(a).ran).toEqual(['true']); // the refused probe never ran
    expect(a.tracker.snapshot(Date.now())).toMatchObject({
      lastProbeOk: true,
      lastProbeAt: before.lastProbeAt,
    });
    fakeOf(a).failNext(1, { code: 'UNAVAILABLE', dispatched: false });
    await prober.probe(a);
    expect(a.tracker.snapshot(Date.now()).lastProbeOk).toBe(false);
  });

  it('fails a probe that exits non-zero and keeps its session; one that times out loses its session', async () => {
    const { prober, member, fakeOf } = setup({ command: 'false' });
    const a = await member('a');
    await prober.probe(a);
    expect(a.tracker.snapshot(Date.now()).lastProbeOk).toBe(false);
    await prober.probe(a);
    // Exit code 1 is an answer: the probe shell is kept for the next probe.
    expect(probeSessions(fakeOf(a).runs)).toHaveLength(1);
    expect(fakeOf(a).ran).toEqual(['false', 'false']);
  });

  it('starts a new probe session after a probe that did not complete', async () => {
    const { prober, member, fakeOf } = setup({ command: 'true' });
    const a = await member('a');
    const fake = fakeOf(a);
    // The probe command ends without completing (timed out there): its shell is of no further use.
    const run = fake.executeCommand.bind(fake);
    fake.executeCommand = async (...args) => {
      const r = await run(...args);
      return r.ok ? { ok: true, value: { ...r.value, status: 'timed-out', exitCode: null } } : r;
    };
    await prober.probe(a);
    expect(a.tracker.snapshot(Date.now()).lastProbeOk).toBe(false);
    await prober.probe(a);
    expect(probeSessions(fake.runs)).toHaveLength(2);
    // Each probe shell that did not complete was closed.
    expect(expectOk(await fake.listSessions())).toEqual([]);
  });

  // Which way this went depended on whether a run's probe was still in flight at shutdown: pinned here.
  it('records nothing of a probe that ends after the manager began to shut down', async () => {
    const { prober, member, fakeOf, readiness } = setup();
    const a = await member('a');
    fakeOf(a).hold();
    const probing = prober.probe(a);
    await pollUntil(
      () => fakeOf(a).ran.length,
      (n) => n === 1,
      { timeoutMs: 5000 },
    );
    readiness.shuttingDown();
    fakeOf(a).release();
    await probing;
    expect(a.tracker.snapshot(Date.now()).lastProbeAt).toBeUndefined();
  });

  it('fails a probe of a backend that says it is unhealthy, with its reason', async () => {
    const { prober, member, fakeOf } = setup();
    const a = await member('a');
    fakeOf(a).setDown(true);
    await prober.probe(a);
    expect(a.tracker.snapshot(Date.now()).lastProbeOk).toBe(false);
    expect(fakeOf(a).ran).toEqual([]);
  });

  it('joins the probe running rather than starting a second one', async () => {
    const { prober, member, fakeOf } = setup();
    const a = await member('a');
    fakeOf(a).hold();
    const one = prober.probe(a);
    const two = prober.probe(a);
    expect(two).toBe(one);
    expect(prober.inFlight()).toEqual([one]);
    fakeOf(a).release();
    await one;
    expect(prober.inFlight()).toEqual([]);
  });

  it('checks a replacement without recording it (a hot swap decides)', async () => {
    const { prober, member, fakeOf } = setup();
    const a = await member('a');
    expectOk(await prober.check(a));
    fakeOf(a).failNext(1, { code: 'UNAVAILABLE', dispatched: false });
    const failed = await prober.check(a);
    expect(!failed.ok && failed.error.code).toBe('UNAVAILABLE');
    expect(a.tracker.snapshot(Date.now()).lastProbeAt).toBeUndefined();
  });

  it('probes on its interval while enabled', async () => {
    const { prober, member, fakeOf } = setup({ enabled: true });
    const a = await member('a');
    prober.schedule(a, 0);
    await pollUntil(
      () => fakeOf(a).ran.length,
      (n) => n > 0,
      { timeoutMs: 5000, intervalMs: 5 },
    );
    expect(fakeOf(a).ran[0]).toBe('true');
    prober.stop(a);
  });

  it('clears the timer of a member that left the pool', async () => {
    const { prober, member } = setup({ enabled: true });
    const a = await member('a');
    jest.useFakeTimers();
    try {
      prober.schedule(a, 1000);
      expect(jest.getTimerCount()).toBe(1);
      prober.stop(a);
      expect(jest.getTimerCount()).toBe(0);
      a.retire();
      prober.schedule(a);
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
