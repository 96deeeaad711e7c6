import { BackendFactory } from '@vth/factory';
import { expectOk, pollUntil } from '@vth/testkit';
import { BackendManager } from './backend-manager';
import { type ExperimentSpecInput } from './experiment-config';
import { type ManagerConfigInput } from './manager-config';
import { createFakePlugin, type FakePlugin } from './testing/fake-plugin';

const managers: BackendManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.shutdown()));
});

async function start(
  config: Partial<ManagerConfigInput> = {},
  fakes: FakePlugin = createFakePlugin(),
): Promise<{ manager: BackendManager; fakes: FakePlugin }> {
  const manager = new BackendManager({ factory: new BackendFactory({ plugins: [fakes.plugin] }) });
  managers.push(manager);
  expectOk(
    await manager.initialize({
      backends: [{ type: 'fake', id: 'main' }],
      probe: { enabled: false },
      retry: { initialDelayMs: 1, maxDelayMs: 5 },
      ...config,
    }),
  );
  return { manager, fakes };
}

const twoArms = (weights: [number, number] = [1, 1], name = 'exp'): ExperimentSpecInput => ({
  name,
  variants: [
    { name: 'control', weight: weights[0], backends: [{ type: 'fake' }] },
    { name: 'treatment', weight: weights[1], backends: [{ type: 'fake' }] },
  ],
});

/** The variant a user's new session lands in: the group of the backend it was placed on. */
async function variantOf(manager: BackendManager, userId: string): Promise<string> {
  const s = expectOk(await manager.createSession({}, { userId }));
  const backend = manager.backendOf(s.id)!;
  expectOk(await manager.destroySession(s.id));
  return manager.backends().find((b) => b.id === backend)!.group;
}

const users = Array.from({ length: 200 }, (_, i) => `user-${i}`);

describe('A/B experiments', () => {
  it('assigns each user the same variant on every manager, without shared state', async () => {
    const { manager: a } = await start({ experiments: [twoArms()] });
    const { manager: b } = await start({ experiments: [twoArms()] });
    const onA = await Promise.all(users.map((u) => variantOf(a, u)));
    const onB = await Promise.all(users.map((u) => variantOf(b, u)));
    expect(onB).toEqual(onA);
    const treated = onA.filter((g) => g === 'exp.treatment').length;
    expect(treated).toBeGreaterThan(70);
    expect(treated).toBeLessThan(130);
    expect(onA.every((g) => g === 'exp.control' || g === 'exp.treatment')).toBe(true);
  });

  it('ramps a variant up without moving its users, and moves only users into it', async () => {
    const { manager } = await start({ experiments: [twoArms([9, 1], 'ramp')] });
    const before = await Promise.all(users.map((u) => variantOf(manager, u)));
    const report = expectOk(manager.updateExperiment('ramp', { weights: { treatment: 5 } }));
    expect(report.variants.map((v) => [v.name, v.weight])).toEqual([
      ['control', 9],
      ['treatment', 5],
    ]);
    const after = await Promise.all(users.map((u) => variantOf(manager, u)));
    users.forEach((_, i) => {
      if (before[i] === 'ramp.treatment') expect(after[i]).toBe('ramp.treatment');
      if (after[i] !== before[i]) expect(after[i]).toBe('ramp.treatment');
    });
    expect(after.filter((g) => g === 'ramp.treatment').length).toBeGreaterThan(
      before.filter((g) => g === 'ramp.treatment').length,
    );
  });

  it('runs two experiments at once: the first takes its traffic share, the second the rest', async () => {
    const { manager } = await start({
      experiments: [
        { ...twoArms([1, 1], 'first'), traffic: 0.3 },
        { ...twoArms([1, 1], 'second'), sources: ['voice'] },
      ],
    });
    expect(manager.runningExperiments()).toEqual(['first', 'second']);
    const groups = await Promise.all(
      users.map(async (u) => {
        const s = expectOk(await manager.createSession({}, { userId: u, source: 'voice' }));
        return manager.backends().find((b) => b.id === manager.backendOf(s.id))!.group;
      }),
    );
    const first = groups.filter((g) => g.startsWith('first.')).length;
    expect(first).toBeGreaterThan(35);
    expect(first).toBeLessThan(85);
    expect(groups.filter((g) => g.startsWith('second.')).length).toBe(users.length - first);
    // Outside the second's sources and the first's traffic: the main pool.
    const other = await variantOf(
      manager,
      users.find((_, i) => !groups[i]!.startsWith('first.'))!,
    );
    expect(other).toBe('main');
  });

  it('counts per variant and says which is worse once the evidence is there', async () => {
    const fakes = createFakePlugin();
    // Health and circuit breakers off the way: this is about the figures, not about failing over.
    const { manager } = await start(
      {
        experiments: [twoArms([1, 1], 'errs')],
        health: { consecutiveFailures: 1000, maxErrorRate: 1 },
        circuitBreaker: { consecutiveFailures: 1000 },
      },
      fakes,
    );
    const treatment = fakes.instances.find((b) => b.id.startsWith('errs.treatment.'))!;
    const sessions = await Promise.all(
      users.map(async (u) => expectOk(await manager.createSession({}, { userId: u })).id),
    );
    const early = expectOk(manager.experimentReport('errs'));
    expect(early.comparisons[0]).toMatchObject({
      variant: 'treatment',
      control: 'control',
      verdict: 'unknown',
    });
    for (let round = 0; round < 10; round++) {
      // A quarter of the treatment's commands fail on the backend's side.
      treatment.failNext(12, { code: 'UNAVAILABLE', dispatched: true });
      await Promise.all(sessions.map((id) => manager.executeCommand(id, 'echo x')));
    }
    const report = expectOk(manager.experimentReport('errs'));
    const [control, treated] = report.variants;
    expect(control).toMatchObject({ name: 'control', errors: 0, errorRate: 0 });
    expect(control!.sessions + treated!.sessions).toBe(users.length);
    expect(treated!.errors).toBe(120);
    expect(treated!.commands).toBe(treated!.sessions * 10);
    expect(treated!.latency.count).toBe(treated!.commands - 120);
    expect(report.comparisons[0]).toMatchObject({ variant: 'treatment', verdict: 'worse' });
    expect(report.comparisons[0]!.errorRate.verdict).toBe('worse');
  });

  it('stops an experiment: new sessions go to the main pool, its backends go once their sessions end', async () => {
    const fakes = createFakePlugin();
    const { manager } = await start({ experiments: [twoArms([0, 1], 'gone')] }, fakes);
    const s = expectOk(await manager.createSession({}, { userId: 'u1' }));
    expect(manager.backendOf(s.id)).toMatch(/^gone\.treatment\./);
    const moved: unknown[] = [];
    manager.on('session-migrated', (e) => moved.push(e));
    const report = expectOk(await manager.stopExperiment('gone'));
    expect(report).toMatchObject({ name: 'gone', running: false });
    expect(manager.runningExperiments()).toEqual([]);
    expect(await variantOf(manager, 'u1')).toBe('main');
    // Its session goes on where it was; its backend leaves with it.
    expect(expectOk(await manager.executeCommand(s.id, 'echo on')).output).toBe('on\n');
    // Its backend drains without moving: a session let go when a call ends would have started moving
    // by now, and the next call would follow it to the main pool.
    const treatment = manager.backends().find((b) => b.group === 'gone.treatment');
    expect(treatment).toMatchObject({ draining: true, activeSessions: 1 });
    expect(expectOk(await manager.executeCommand(s.id, 'echo still')).output).toBe('still\n');
    expect(manager.backendOf(s.id)).toBe(treatment!.id);
    expect(moved).toEqual([]);
    expectOk(await manager.destroySession(s.id));
    const ids = () => manager.backends().map((b) => b.id);
    expect(await pollUntil(ids, (now) => now.length === 1, { timeoutMs: 10_000, intervalMs: 1 })).toEqual([
      'main',
    ]);
    expect(fakes.byPoolId(treatment!.id)?.initialized).toBe(false);
    expect(expectOk(manager.experimentReport('gone')).running).toBe(false);
  });

  it('stops an experiment moving its sessions to the main pool', async () => {
    const { manager } = await start({ experiments: [twoArms([0, 1], 'move')] });
    const s = expectOk(await manager.createSession({}, { userId: 'u1' }));
    expectOk(await manager.executeCommand(s.id, 'export A=kept'));
    expectOk(await manager.stopExperiment('move', { moveSessions: true }));
    expect(manager.backendOf(s.id)).toBe('main');
    expect(expectOk(await manager.executeCommand(s.id, 'echo $A')).output).toBe('kept\n');
    expect(manager.backends().map((b) => b.id)).toEqual(['main']);
  });

  it('starts, changes and refuses experiments at run time with clear errors', async () => {
    const { manager } = await start();
    expectOk(await manager.startExperiment(twoArms([1, 1], 'live')));
    const dup = await manager.startExperiment(twoArms([1, 1], 'live'));
    expect(!dup.ok && dup.error.message).toMatch(/already running/);
    const bad = await manager.startExperiment({ name: 'Bad Name', variants: [] } as never);
    expect(!bad.ok && bad.error.code).toBe('INVALID_INPUT');
    expect(!bad.ok && bad.error.message).toMatch(
      /experiment\.name: .*experiment\.variants: must have at least two variants/,
    );
    const zero = manager.updateExperiment('live', { weights: { control: 0, treatment: 0 } });
    expect(!zero.ok && zero.error.message).toMatch(/at least one variant needs a weight above 0/);
    const unknown = manager.updateExperiment('live', { weights: { nope: 1 } });
    expect(!unknown.ok && unknown.error.message).toMatch(/has no variant "nope"/);
    const traffic = manager.updateExperiment('live', { traffic: 1.5 });
    expect(!traffic.ok && traffic.error.code).toBe('INVALID_INPUT');
    expect(expectOk(manager.updateExperiment('live', { traffic: 0 })).traffic).toBe(0);
    expect(await variantOf(manager, 'anyone')).toBe('main');
    const missing = await manager.stopExperiment('nope');
    expect(!missing.ok && missing.error.code).toBe('INVALID_INPUT');
  });

  it('falls back to the main pool when a variant has no backend left, and counts it', async () => {
    let up = true;
    const fakes = createFakePlugin();
    fakes.plugin.checkPlatform = async () => (up ? { ok: true } : { ok: false, reason: 'down' });
    const { manager } = await start(
      {
        experiments: [twoArms([0, 1], 'fb')],
        health: { consecutiveFailures: 1, maxEjectionPercent: 100, panicThresholdPercent: 0 },
      },
      fakes,
    );
    const s = expectOk(await manager.createSession({}, { userId: 'u' }));
    const treatment = fakes.instances.find((b) => b.id.startsWith('fb.treatment.'))!;
    up = false;
    const moved = new Promise((resolve) => manager.once('session-migrated', resolve));
    treatment.crash();
    expect(await moved).toMatchObject({ sessionId: s.id, to: 'main' });
    expect(expectOk(manager.experimentReport('fb')).variants[1]).toMatchObject({
      name: 'treatment',
      failovers: 1,
    });
    expect(manager.backendOf(expectOk(await manager.createSession({}, { userId: 'u' })).id)).toBe('main');
  });

  it('refuses to start when a variant has no backend that comes up, and starts nothing', async () => {
    const fakes = createFakePlugin();
    const broken = {
      ...createFakePlugin('broken').plugin,
      checkPlatform: async () => ({ ok: false as const, reason: 'nope' }),
    };
    const manager = new BackendManager({ factory: new BackendFactory({ plugins: [fakes.plugin, broken] }) });
    managers.push(manager);
    expectOk(
      await manager.initialize({ backends: [{ type: 'fake', id: 'main' }], probe: { enabled: false } }),
    );
    const r = await manager.startExperiment({
      name: 'half',
      variants: [
        { name: 'a', backends: [{ type: 'fake' }] },
        { name: 'b', backends: [{ type: 'broken' }] },
      ],
    });
    expect(!r.ok && r.error).toMatchObject({ code: 'UNAVAILABLE' });
    expect(!r.ok && r.error.message).toMatch(/no backend of variant "b" came up/);
    expect(manager.backends().map((b) => b.id)).toEqual(['main']);
    expect(manager.runningExperiments()).toEqual([]);
  });
});
