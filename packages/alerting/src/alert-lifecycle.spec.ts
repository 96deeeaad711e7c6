import { RuleAlerts } from './alert-lifecycle';
import { alertRuleSchema, type AlertRuleInput } from './alert-rules';
import { type Observation } from './conditions/condition';

const rule = (input: Partial<AlertRuleInput> = {}) =>
  alertRuleSchema.parse({ kind: 'backend-unhealthy', forMs: 30_000, resolveAfterMs: 20_000, ...input });

const down = (key = 'b1'): Observation => ({
  key,
  labels: { backend: key, type: 'fake', group: 'main' },
  summary: `backend ${key} (fake) unhealthy`,
  description: `backend ${key} is ejected`,
});

/** Steps a rule through time: `true` = the condition holds at that second. */
function run(alerts: RuleAlerts, signal: boolean[], stepMs = 1_000, start = 0) {
  const fired: number[] = [];
  const resolved: number[] = [];
  signal.forEach((holds, i) => {
    const t = start + i * stepMs;
    const r = alerts.step(t, holds ? [down()] : []);
    fired.push(...r.fired.map(() => t));
    resolved.push(...r.resolved.map(() => t));
  });
  return { fired, resolved };
}

describe('the life of an alert: for-duration, hysteresis, once each', () => {
  it('fires once, after the condition has held for forMs, and resolves once after resolveAfterMs clear', () => {
    const alerts = new RuleAlerts(rule());
    const first = alerts.step(0, [down()]);
    expect(first).toEqual({ fired: [], resolved: [], nextDeadline: 30_000 });
    expect(alerts.step(29_999, [down()]).fired).toEqual([]);
    const fired = alerts.step(30_000, [down()]).fired;
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({
      rule: 'backend-unhealthy',
      kind: 'backend-unhealthy',
      severity: 'warning',
      state: 'firing',
      since: 0,
      firedAt: 30_000,
      summary: 'backend b1 (fake) unhealthy for 30 s',
      description: 'backend b1 is ejected',
      labels: {
        alertname: 'BackendUnhealthy',
        severity: 'warning',
        rule: 'backend-unhealthy',
        backend: 'b1',
        type: 'fake',
        group: 'main',
      },
    });
    expect(fired[0]!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(Object.isFrozen(fired[0])).toBe(true);
    expect(alerts.active()).toEqual(fired);
    // Still holding: nothing new.
    expect(alerts.step(60_000, [down()])).toEqual({ fired: [], resolved: [] });
    // Clear: resolving, not yet resolved.
    expect(alerts.step(61_000, [])).toEqual({ fired: [], resolved: [], nextDeadline: 81_000 });
    expect(alerts.active()).toHaveLength(1);
    const resolved = alerts.step(81_000, []).resolved;
    expect(resolved).toEqual([
      {
        ...fired[0],
        state: 'resolved',
        resolvedAt: 81_000,
        resolution: 'clear for 20 s',
      },
    ]);
    expect(alerts.active()).toEqual([]);
    expect(alerts.step(200_000, [])).toEqual({ fired: [], resolved: [] });
  });

  it('never fires while the condition keeps breaking off before forMs (pending starts over)', () => {
    // Holds 20 s, clear 1 s, over and over for 5 minutes: never 30 s in a row.
    const signal = Array.from({ length: 300 }, (_, i) => i % 21 !== 20);
    expect(run(new RuleAlerts(rule()), signal)).toEqual({ fired: [], resolved: [] });
  });

  it('does not flap: an oscillating signal keeps a firing alert firing, one notification each way', () => {
    const alerts = new RuleAlerts(rule());
    // 40 s down, then 5 minutes of 10 s clear / 5 s down, then clear for good.
    const signal = [
      ...Array.from({ length: 40 }, () => true),
      ...Array.from({ length: 300 }, (_, i) => i % 15 >= 10),
      ...Array.from({ length: 60 }, () => false),
    ];
    const { fired, resolved } = run(alerts, signal);
    expect(fired).toEqual([30_000]);
    // Last held at second 339 (the last "down" beat); clear from 340 on; 20 s later it resolves.
    const lastDown = 40 + signal.slice(40, 340).lastIndexOf(true);
    expect(resolved).toEqual([(lastDown + 1 + 20) * 1000]);
  });

  it('fires and resolves at once with forMs 0 and resolveAfterMs 0', () => {
    const alerts = new RuleAlerts(rule({ forMs: 0, resolveAfterMs: 0 }));
    const a = alerts.step(5, [down()]);
    expect(a.fired.map((x) => [x.since, x.firedAt, x.summary])).toEqual([
      [5, 5, 'backend b1 (fake) unhealthy'],
    ]);
    const b = alerts.step(6, []);
    expect(b.resolved.map((x) => [x.resolvedAt, x.resolution])).toEqual([[6, 'clear']]);
  });

  it('keeps subjects apart: each backend has its own alert, fingerprint and timing', () => {
    const alerts = new RuleAlerts(rule({ forMs: 10_000 }));
    alerts.step(0, [down('a')]);
    alerts.step(5_000, [down('a'), down('b')]);
    const at10 = alerts.step(10_000, [down('a'), down('b')]);
    expect(at10.fired.map((x) => x.labels['backend'])).toEqual(['a']);
    expect(at10.nextDeadline).toBe(15_000);
    const at15 = alerts.step(15_000, [down('b')]);
    expect(at15.fired.map((x) => x.labels['backend'])).toEqual(['b']);
    const [a, b] = alerts.active();
    expect(a!.fingerprint).not.toBe(b!.fingerprint);
    // Same rule and labels on a later firing: same fingerprint, new id.
    const again = new RuleAlerts(rule({ forMs: 10_000 }));
    again.step(100_000, [down('a')]);
    const refired = again.step(110_000, [down('a')]).fired[0]!;
    expect(refired.fingerprint).toBe(a!.fingerprint);
    expect(refired.id).not.toBe(a!.id);
  });

  it('plans its next wake-up: the end of a for-duration, a resolve delay, or a window', () => {
    const alerts = new RuleAlerts(rule({ forMs: 0, resolveAfterMs: 0 }));
    expect(alerts.step(0, [{ ...down(), until: 300_000 }]).nextDeadline).toBe(300_000);
  });
});
