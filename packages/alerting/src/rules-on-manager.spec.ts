import { createFakePlugin } from '@vth/manager/testing';
import { expectOk } from '@vth/testkit';
import { eject, fakeOf, recover, startEngine, startManager, tick } from '../test/manager-fixture';

/** Health that never ejects on errors, so error rates and latencies can be anything. */
const TOLERANT = {
  health: { consecutiveFailures: 1000, maxErrorRate: 1, minRequests: 1000, maxEjectionPercent: 100 },
  circuitBreaker: { consecutiveFailures: 1000 },
};

describe('each rule kind on a real manager', () => {
  it('error-rate: fires above abovePercent, stays firing down to resolveBelowPercent, then resolves', async () => {
    const { manager, fakes } = await startManager(TOLERANT);
    const h = startEngine(manager, {
      config: {
        evaluationIntervalMs: 1_000,
        rules: [
          {
            kind: 'error-rate',
            abovePercent: 30,
            resolveBelowPercent: 10,
            minCalls: 10,
            forMs: 10_000,
            resolveAfterMs: 10_000,
            backends: ['a'],
          },
        ],
      },
    });
    const s = expectOk(await manager.createSession({}, { userId: 'u' }));
    expect(manager.backendOf(s.id)).toBe('a');
    const a = fakeOf(fakes, 'a');
    const run = async (n: number) => {
      for (let i = 0; i < n; i++) await manager.executeCommand(s.id, 'true');
    };
    a.failNext(10, { code: 'UNAVAILABLE', dispatched: true, message: 'shell gone' });
    await run(20); // 10 of 21 calls failed (the session start counts)
    h.clock.advance(1_000);
    expect(h.fired).toEqual([]);
    h.clock.advance(10_000);
    expect(h.fired).toHaveLength(1);
    expect(h.fired[0]).toMatchObject({
      summary: 'backend a (fake) error rate 47.6 % (above 30 %) for 10 s',
      value: 47.62,
      labels: { alertname: 'ErrorRate', backend: 'a' },
    });
    expect(h.fired[0]!.description).toMatch(/^10 of 21 calls failed .*last error: UNAVAILABLE: shell gone$/);
    await run(30); // 10 of 51: under 30 %, above 10 %: still firing
    h.clock.advance(60_000);
    expect(h.resolved).toEqual([]);
    await run(60); // 10 of 111: 9 %
    h.clock.advance(1_000);
    h.clock.advance(10_000);
    expect(h.resolved).toHaveLength(1);
    expect(h.fired).toHaveLength(1);
  });

  it('latency-p99 of commands: each backend judged on its own completed commands over the window', async () => {
    const fakes = createFakePlugin('fake', (b) => b.setLatency(30));
    const { manager } = await startManager({ ...TOLERANT, strategy: 'round-robin' }, fakes);
    fakeOf(fakes, 'b').setLatency(0);
    const h = startEngine(manager, {
      config: {
        evaluationIntervalMs: 1_000,
        rules: [
          { kind: 'latency-p99', aboveMs: 20, minSamples: 10, windowMs: 60_000, forMs: 0, resolveAfterMs: 0 },
        ],
      },
    });
    const sessions = await Promise.all(
      Array.from({ length: 24 }, async () => expectOk(await manager.createSession()).id),
    );
    await Promise.all(sessions.map((id) => manager.executeCommand(id, 'echo hi')));
    h.clock.advance(1_000);
    expect(h.fired.map((a) => [a.labels['backend'], a.value, a.summary])).toEqual([
      ['a', 30, 'backend a (fake) p99 latency 30 ms (above 20 ms)'],
    ]);
    expect(h.fired[0]!.description).toBe(
      'p99 of 12 completed commands over the last 1 min is 30 ms (fires above 20 ms, clears at or below 20 ms)',
    );
    // The samples age out of the window: clear.
    h.clock.advance(60_000);
    expect(h.resolved).toHaveLength(1);
  });

  it('failover: fires when a backend loses its sessions, resolves when the event leaves the window', async () => {
    const { manager, fakes } = await startManager();
    const h = startEngine(manager, {
      config: { rules: [{ kind: 'failover', windowMs: 60_000 }] },
    });
    const s = expectOk(await manager.createSession());
    const from = manager.backendOf(s.id)!;
    fakeOf(fakes, from).crash();
    await tick();
    await tick();
    expect(h.fired.map((a) => [a.labels['backend'], a.summary, a.value])).toEqual([
      [from, `1 failover from backend ${from} (fake) in the last 1 min`, 1],
    ]);
    expect(h.fired[0]!.description).toMatch(/^last: .*crashed.* \(1 session to move\)$/);
    h.clock.advance(59_999);
    expect(h.resolved).toEqual([]);
    h.clock.advance(1);
    expect(h.resolved.map((a) => a.resolution)).toEqual(['clear']);
  });

  it('migration-failed: a session that cannot be moved anywhere fires a critical alert', async () => {
    let broken = false;
    const fakes = createFakePlugin('fake', (b) => {
      if (broken)
        b.failNext(1000, {
          code: 'UNAVAILABLE',
          dispatched: false,
          on: 'createSession',
          message: 'no shell',
        });
    });
    const { manager } = await startManager({ backends: [{ type: 'fake', id: 'only' }] }, fakes);
    const h = startEngine(manager, { config: { rules: [{ kind: 'migration-failed', count: 1 }] } });
    const s = expectOk(await manager.createSession());
    broken = true;
    fakeOf(fakes, 'only').crash();
    const r = await manager.executeCommand(s.id, 'true');
    expect(r.ok).toBe(false);
    await tick();
    expect(h.fired.map((a) => [a.severity, a.labels['backend'], a.summary])).toEqual([
      ['critical', 'only', '1 failed session migration from backend only (fake) in the last 5 min'],
    ]);
    expect(h.fired[0]!.description).toMatch(
      new RegExp(`^last: session ${s.id} lost: SESSION_NOT_FOUND: .*could not be re-created.*no shell$`),
    );
  });

  it('swap-failed: a hot swap rolled back fires; it resolves after the window', async () => {
    const fakes = createFakePlugin();
    const { manager } = await startManager({}, fakes);
    const h = startEngine(manager, { config: { rules: [{ kind: 'swap-failed', windowMs: 10_000 }] } });
    // A swap that works fires nothing.
    expectOk(await manager.hotSwap('a', { type: 'fake' }));
    await tick();
    expect(h.fired).toEqual([]);
    fakes.plugin.create = () => {
      throw new Error('no capacity');
    };
    const failed = await manager.hotSwap('b', { type: 'fake' });
    expect(!failed.ok && failed.error.message).toMatch(/^hot swap of b rolled back/);
    await tick();
    expect(h.fired.map((a) => [a.labels['backend'], a.summary])).toEqual([
      ['b', '1 failed hot swap of backend b (fake) in the last 10 s'],
    ]);
    expect(h.fired[0]!.description).toMatch(/^last: the replacement could not be started: .*no capacity/);
    h.clock.advance(10_000);
    expect(h.resolved).toHaveLength(1);
  });

  it('pool-below and panic: every backend out fires both; one back resolves both once clear long enough', async () => {
    const { manager, fakes } = await startManager();
    const h = startEngine(manager, {
      config: {
        rules: [
          { kind: 'pool-below', minHealthy: 1, forMs: 10_000, resolveAfterMs: 10_000 },
          { kind: 'panic', resolveAfterMs: 10_000 },
        ],
      },
    });
    await eject(manager, fakes, 'a');
    expect(h.fired).toEqual([]);
    await eject(manager, fakes, 'a', 'b');
    expect(h.fired.map((a) => [a.rule, a.summary])).toEqual([['panic', 'pool main in panic mode']]);
    expect(h.fired[0]!.description).toBe(
      '0 of 2 backends in rotation, below the panic threshold: new sessions go to every backend, healthy or not',
    );
    h.clock.advance(10_000);
    expect(h.fired.map((a) => [a.rule, a.summary, a.description])).toEqual([
      ['panic', expect.any(String), expect.any(String)],
      [
        'pool-below',
        'pool main: 0 of 2 backends healthy (minimum 1) for 10 s',
        'out of service: a ejected, b ejected',
      ],
    ]);
    await recover(manager, 'a');
    h.clock.advance(10_000);
    expect(h.resolved.map((a) => a.rule).sort()).toEqual(['panic', 'pool-below']);
  });

  it('experiment-worse: a variant found worse fires with the comparison summary; stopping the experiment resolves it', async () => {
    const fakes = createFakePlugin();
    const { manager } = await startManager(
      {
        ...TOLERANT,
        experiments: [
          {
            name: 'errs',
            variants: [
              { name: 'control', backends: [{ type: 'fake' }] },
              { name: 'treatment', backends: [{ type: 'fake' }] },
            ],
          },
        ],
      },
      fakes,
    );
    const h = startEngine(manager, {
      config: {
        evaluationIntervalMs: 1_000,
        rules: [{ kind: 'experiment-worse', forMs: 5_000, resolveAfterMs: 0 }],
      },
    });
    const treatment = fakes.instances.find((b) => b.id.startsWith('errs.treatment.'))!;
    const sessions = await Promise.all(
      Array.from(
        { length: 200 },
        async (_, i) => expectOk(await manager.createSession({}, { userId: `user-${i}` })).id,
      ),
    );
    for (let round = 0; round < 10; round++) {
      treatment.failNext(12, { code: 'UNAVAILABLE', dispatched: true });
      await Promise.all(sessions.map((id) => manager.executeCommand(id, 'echo x')));
    }
    h.clock.advance(1_000);
    expect(h.fired).toEqual([]);
    h.clock.advance(5_000);
    expect(h.fired.map((a) => [a.summary, a.labels])).toEqual([
      [
        'experiment errs: variant treatment worse than control for 5 s',
        expect.objectContaining({ experiment: 'errs', variant: 'treatment', control: 'control' }),
      ],
    ]);
    expect(h.fired[0]!.description).toMatch(/^treatment is worse than control: error rate /);
    expectOk(await manager.stopExperiment('errs'));
    await tick();
    expect(h.resolved).toHaveLength(1);
  });

  it('backend-unhealthy ignores a draining backend and backends outside its list', async () => {
    const { manager, fakes } = await startManager({
      backends: [
        { type: 'fake', id: 'a' },
        { type: 'fake', id: 'b' },
        { type: 'fake', id: 'c' },
      ],
    });
    const h = startEngine(manager, {
      config: { rules: [{ kind: 'backend-unhealthy', forMs: 0, backends: ['a', 'b'] }] },
    });
    await eject(manager, fakes, 'c');
    expect(h.fired).toEqual([]);
    expectOk(await manager.drain('b'));
    await eject(manager, fakes, 'b');
    expect(h.fired).toEqual([]);
    await eject(manager, fakes, 'a');
    expect(h.fired.map((a) => a.labels['backend'])).toEqual(['a']);
  });
});
