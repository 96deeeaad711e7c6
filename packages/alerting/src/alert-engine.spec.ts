import { ok, type BackendError } from '@vth/core';
import { expectOk } from '@vth/testkit';
import { T0, eject, recover, startEngine, startManager, tick } from '../test/manager-fixture';
import { type Alert } from './alert';
import { AlertEngine } from './alert-engine';
import { type AlertSink } from './sinks/alert-sink';
import { ManualClock } from './testing/manual-clock';

const UNHEALTHY = { rules: [{ kind: 'backend-unhealthy' as const, forMs: 30_000, resolveAfterMs: 20_000 }] };

describe('AlertEngine on a BackendManager', () => {
  it('a backend that goes unhealthy and recovers: fires once after forMs, resolves once after resolveAfterMs', async () => {
    const { manager, fakes } = await startManager();
    // Deadlines off the evaluation interval's beat: firing on time shows the engine woke up for them.
    const h = startEngine(manager, { config: { ...UNHEALTHY, evaluationIntervalMs: 7_000 } });
    await eject(manager, fakes, 'a');
    expect(h.fired).toEqual([]);
    h.clock.advance(29_999);
    expect(h.fired).toEqual([]);
    // The engine wakes up when the for-duration ends, not at its next interval.
    h.clock.advance(1);
    expect(h.fired).toHaveLength(1);
    const alert = h.fired[0]!;
    expect(alert).toMatchObject({
      rule: 'backend-unhealthy',
      state: 'firing',
      severity: 'warning',
      since: T0,
      firedAt: T0 + 30_000,
      summary: 'backend a (fake) unhealthy for 30 s',
      labels: { alertname: 'BackendUnhealthy', backend: 'a', type: 'fake', group: 'main' },
    });
    expect(alert.description).toMatch(
      /^backend a \(fake\) is ejected from rotation: 1 consecutive failures .*last error: .*probe refused/,
    );
    expect(h.engine.active()).toEqual([alert]);

    h.clock.advance(60_000);
    await recover(manager, 'a');
    expect(h.resolved).toEqual([]);
    h.clock.advance(19_999);
    expect(h.resolved).toEqual([]);
    h.clock.advance(1);
    expect(h.resolved).toEqual([
      { ...alert, state: 'resolved', resolvedAt: T0 + 110_000, resolution: 'clear for 20 s' },
    ]);
    expect(h.engine.active()).toEqual([]);
    expect(h.engine.resolved()).toEqual(h.resolved);
    expect(h.memory.alerts.map((a) => a.state)).toEqual(['firing', 'resolved']);
  });

  it('no flapping: an oscillating backend fires once, stays firing through the oscillation, resolves once', async () => {
    const { manager, fakes } = await startManager();
    const h = startEngine(manager, { config: UNHEALTHY });
    // Out for 20 s, back for 5 s, three times: never 30 s in a row, so never fires.
    for (let i = 0; i < 3; i++) {
      await eject(manager, fakes, 'a');
      h.clock.advance(20_000);
      await recover(manager, 'a');
      h.clock.advance(5_000);
    }
    expect(h.fired).toEqual([]);
    await eject(manager, fakes, 'a');
    h.clock.advance(30_000);
    expect(h.fired).toHaveLength(1);
    // Back for 10 s, out for 10 s, five times: never clear for 20 s, so it stays firing.
    for (let i = 0; i < 5; i++) {
      await recover(manager, 'a');
      h.clock.advance(10_000);
      await eject(manager, fakes, 'a');
      h.clock.advance(10_000);
    }
    expect(h.resolved).toEqual([]);
    expect(h.engine.active()).toHaveLength(1);
    await recover(manager, 'a');
    h.clock.advance(20_000);
    expect(h.fired).toHaveLength(1);
    expect(h.resolved).toHaveLength(1);
    expect(h.memory.since().map((e) => [e.seq, e.alert.state])).toEqual([
      [1, 'firing'],
      [2, 'resolved'],
    ]);
  });

  it('a failing sink never stops evaluation, other sinks or listeners; each failure is reported', async () => {
    const { manager, fakes } = await startManager();
    const errors: BackendError[] = [];
    const throwing: AlertSink = {
      name: 'throws',
      deliver() {
        throw new Error('sink exploded');
      },
    };
    const rejecting: AlertSink = { name: 'rejects', deliver: () => Promise.reject(new Error('no route')) };
    const failing: AlertSink = {
      name: 'fails',
      deliver: async () => ({
        ok: false,
        error: { code: 'UNAVAILABLE', message: 'receiver down' } as BackendError,
      }),
    };
    const h = startEngine(manager, {
      config: { rules: [{ kind: 'backend-unhealthy', forMs: 0, resolveAfterMs: 0 }] },
      sinks: [throwing, rejecting, failing],
    });
    h.engine.on('error', (e) => errors.push(e));
    h.engine.prependListener('alert-fired', () => {
      throw new Error('listener exploded');
    });
    await eject(manager, fakes, 'a');
    await tick();
    expect(h.fired).toHaveLength(1);
    expect(h.memory.alerts).toHaveLength(1);
    expect(errors.map((e) => [e.code, e.message])).toEqual(
      expect.arrayContaining([
        ['UNAVAILABLE', expect.stringMatching(/^sink throws failed to deliver alert .*: sink exploded$/)],
        ['UNAVAILABLE', expect.stringMatching(/^sink rejects failed to deliver alert .*: no route$/)],
        ['UNAVAILABLE', expect.stringMatching(/^sink fails failed to deliver alert .*: receiver down$/)],
        ['INTERNAL', 'an alert-fired listener threw: listener exploded'],
      ]),
    );
    expect(errors).toHaveLength(4);
    // Evaluation went on: the recovery resolves the alert.
    await recover(manager, 'a');
    expect(h.resolved).toHaveLength(1);
  });

  it('a source that cannot be read is reported and judged on what could be read', async () => {
    const { manager, fakes } = await startManager();
    const errors: string[] = [];
    const broken = {
      backends: () => manager.backends(),
      getMetrics: (): never => {
        throw new Error('metrics offline');
      },
      backendOf: (id: string) => manager.backendOf(id),
      runningExperiments: () => manager.runningExperiments(),
      experimentReport: (name: string) => manager.experimentReport(name),
      on: manager.on.bind(manager),
      off: manager.off.bind(manager),
    } as unknown as Parameters<AlertEngine['attach']>[0];
    const clock = new ManualClock(T0);
    const engine = expectOk(
      AlertEngine.create({ clock, config: { rules: [{ kind: 'backend-unhealthy', forMs: 0 }] } }),
    );
    engine.on('error', (e) => errors.push(e.message));
    expectOk(engine.attach(broken));
    await eject(manager, fakes, 'a');
    expect(engine.active().map((a) => [a.labels['backend'], a.description])).toEqual([
      ['a', 'backend a (fake) is ejected from rotation: failing'],
    ]);
    expect(errors).toContain("reading the source's getMetrics() failed: metrics offline");
    await engine.shutdown();
  });

  it('a malformed event from a source is ignored and never thrown back into it', async () => {
    const { manager } = await startManager();
    const h = startEngine(manager, {
      config: { rules: [{ kind: 'failover' }, { kind: 'migration-failed' }, { kind: 'swap-failed' }] },
    });
    for (const name of ['failover', 'session-migration-failed', 'swap-failed', 'backend-ejected'] as const) {
      expect(() => manager.emit(name, undefined as never)).not.toThrow();
      expect(() => manager.emit(name, { from: 7, sessions: null } as never)).not.toThrow();
    }
    await tick();
    expect(h.fired).toEqual([]);
  });

  it('keeps a bounded history of resolved alerts, newest first', async () => {
    const { manager, fakes } = await startManager();
    const h = startEngine(manager, {
      config: { historyLimit: 2, rules: [{ kind: 'backend-unhealthy', forMs: 0, resolveAfterMs: 0 }] },
    });
    for (let i = 0; i < 3; i++) {
      await eject(manager, fakes, 'a');
      h.clock.advance(1_000);
      await recover(manager, 'a');
      h.clock.advance(1_000);
    }
    expect(h.resolved).toHaveLength(3);
    expect(h.engine.resolved()).toEqual([h.resolved[2], h.resolved[1]]);
    expect(h.engine.resolved(1)).toEqual([h.resolved[2]]);
  });

  it('validates: INVALID_CONFIG naming the path, INVALID_INPUT when attached twice, NOT_INITIALIZED after shutdown', async () => {
    const bad = AlertEngine.create({ config: { rules: [{ kind: 'pool-below', minHealthy: 0 }] } as never });
    expect(!bad.ok && bad.error).toMatchObject({ code: 'INVALID_CONFIG' });
    expect(!bad.ok && bad.error.message).toMatch(/config\.rules\[0\]\.minHealthy: must be at least 1/);
    const hook = AlertEngine.create({ config: { webhooks: [{ url: 'mailto:ops@example.test' }] } });
    expect(!hook.ok && hook.error.message).toMatch(/config\.webhooks\[0\]\.url: must be an http/);

    const { manager } = await startManager();
    const h = startEngine(manager, { config: UNHEALTHY });
    const twice = h.engine.attach(manager);
    expect(!twice.ok && twice.error.code).toBe('INVALID_INPUT');
    await h.engine.shutdown();
    const after = h.engine.attach(manager);
    expect(!after.ok && after.error.code).toBe('NOT_INITIALIZED');
  });

  it('shutdown leaves nothing behind: no listener on the manager, no timer', async () => {
    const { manager, fakes } = await startManager();
    const before = manager.eventNames().map((n) => [n, manager.listenerCount(n)]);
    const h = startEngine(manager, { config: UNHEALTHY });
    expect(manager.listenerCount('backend-ejected')).toBeGreaterThan(0);
    await eject(manager, fakes, 'a');
    expect(h.clock.pending).toBe(1);
    await h.engine.shutdown();
    expect(manager.eventNames().map((n) => [n, manager.listenerCount(n)])).toEqual(before);
    expect(h.clock.pending).toBe(0);
    // Nothing happens afterwards.
    h.clock.advance(60_000);
    expect(h.fired).toEqual([]);
  });

  it('shutdown waits for pending deliveries, and gives up on a sink that never answers after flushTimeoutMs', async () => {
    const { manager, fakes } = await startManager();
    let finish: (() => void) | undefined;
    const slow: AlertSink = {
      name: 'slow',
      deliver: () => new Promise((resolve) => (finish = () => resolve(ok()))),
    };
    const h = startEngine(manager, {
      config: { rules: [{ kind: 'backend-unhealthy', forMs: 0 }] },
      sinks: [slow],
    });
    await eject(manager, fakes, 'a');
    expect(finish).toBeDefined();
    let done = false;
    const closing = h.engine.shutdown().then(() => (done = true));
    await tick();
    expect(done).toBe(false);
    finish!();
    await closing;

    const stuck: AlertSink = { name: 'stuck', deliver: () => new Promise(() => undefined) };
    const errors: string[] = [];
    const g = startEngine(manager, {
      config: { rules: [{ kind: 'backend-unhealthy', forMs: 0 }] },
      sinks: [stuck],
      flushTimeoutMs: 5_000,
    });
    g.engine.on('error', (e) => errors.push(e.message));
    await tick();
    expect(g.fired).toHaveLength(1);
    let gone = false;
    const closed = g.engine.shutdown().then(() => (gone = true));
    await tick();
    expect(gone).toBe(false);
    g.clock.advance(5_000);
    await closed;
    expect(errors).toEqual(['sinks still busy after 5000 ms at shutdown']);
  });

  it('alerts are plain frozen data: JSON round-trips them', async () => {
    const { manager, fakes } = await startManager();
    const h = startEngine(manager, { config: { rules: [{ kind: 'backend-unhealthy', forMs: 0 }] } });
    await eject(manager, fakes, 'b');
    const [alert] = h.engine.active() as [Alert];
    expect(JSON.parse(JSON.stringify(alert))).toEqual(alert);
    expect(() => ((alert as { summary: string }).summary = 'x')).toThrow(TypeError);
  });
});
