import { BackendFactory } from '@vth/factory';
import { expectOk, pollUntil } from '@vth/testkit';
import { BackendManager } from './backend-manager';
import { type ManagerConfigInput } from './manager-config';
import { createFakePlugin, type FakePlugin } from './testing/fake-plugin';

const managers: BackendManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.shutdown()));
});

async function start(
  config: Partial<ManagerConfigInput> & Pick<ManagerConfigInput, 'backends'>,
  fakes: FakePlugin = createFakePlugin(),
): Promise<{ manager: BackendManager; fakes: FakePlugin }> {
  const manager = new BackendManager({ factory: new BackendFactory({ plugins: [fakes.plugin] }) });
  managers.push(manager);
  expectOk(
    await manager.initialize({
      probe: { enabled: false },
      retry: { initialDelayMs: 1, maxDelayMs: 5 },
      ...config,
    }),
  );
  return { manager, fakes };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('hotSwap', () => {
  it('moves every session to the replacement with its state, shuts the old one down, keeps the id', async () => {
    const { manager, fakes } = await start({
      backends: [
        { type: 'fake', id: 'a' },
        { type: 'fake', id: 'b' },
      ],
    });
    const events: string[] = [];
    for (const e of ['swap-started', 'backend-swapped', 'session-migrated', 'backend-removed'] as const)
      manager.on(e, () => events.push(e));
    const old = fakes.byPoolId('a')!;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const s = expectOk(await manager.createSession());
      expectOk(await manager.executeCommand(s.id, `export N=${i} && cd /srv/${i}`));
      ids.push(s.id);
    }
    const before = performance.now();
    const report = expectOk(await manager.hotSwap('a', { type: 'fake', config: { cwd: '/new' } }));
    const elapsed = performance.now() - before;
    expect(report).toMatchObject({
      backendId: 'a',
      replacement: 'a',
      moved: 3,
      ended: 0,
      forced: 0,
      lost: 0,
    });
    // Measured over the swap itself, in ms: inside what the test saw, and what the metrics keep.
    expect(report.durationMs).toBeGreaterThan(0);
    expect(report.durationMs).toBeLessThanOrEqual(elapsed);
    expect(events[0]).toBe('swap-started');
    expect(events.filter((e) => e === 'session-migrated')).toHaveLength(3);
    // The slot stays (the replacement took its id): swapped, not removed.
    expect(events[events.length - 1]).toBe('backend-swapped');
    expect(events).not.toContain('backend-removed');
    expect(old.initialized).toBe(false);
    const fresh = fakes.instances[fakes.instances.length - 1]!;
    expect(fresh).not.toBe(old);
    for (const [i, id] of ids.entries()) {
      expect(manager.backendOf(id)).toBe('a');
      expect(expectOk(await manager.executeCommand(id, 'echo $N; pwd')).output).toBe(`${i}\n/srv/${i}\n`);
    }
    expect(manager.backends().map((b) => [b.id, b.order])).toEqual([
      ['a', 0],
      ['b', 1],
    ]);
    // New sessions go to the replacement, the primary.
    expect(manager.backendOf(expectOk(await manager.createSession()).id)).toBe('a');
    expect(manager.getMetrics().swaps).toEqual({
      succeeded: 1,
      failed: 0,
      lastDurationMs: report.durationMs,
    });
  });

  it('lets running and queued commands finish on the old backend, then moves the session', async () => {
    const { manager, fakes } = await start({ backends: [{ type: 'fake', id: 'a' }] });
    const old = fakes.byPoolId('a')!;
    const s = expectOk(await manager.createSession());
    old.hold();
    const running = manager.executeCommand(s.id, 'echo slow');
    await tick();
    const swapping = manager.hotSwap('a', { type: 'fake' });
    // The replacement is up and verified once the old backend drains: the swap now waits on the command.
    const draining = () => manager.backends().find((b) => b.id === 'a')?.draining === true;
    expect(await pollUntil(draining, Boolean, { timeoutMs: 10_000, intervalMs: 1 })).toBe(true);
    // Sent while the session is busy: it queues behind the running command, in the same shell, in order.
    const queued = manager.executeCommand(s.id, 'echo queued');
    old.release();
    expect(expectOk(await running).output).toBe('slow\n');
    expect(expectOk(await queued).output).toBe('queued\n');
    expect(expectOk(await swapping)).toMatchObject({ moved: 1, forced: 0 });
    expect(expectOk(await manager.executeCommand(s.id, 'echo after')).output).toBe('after\n');
    expect(old.ran).toEqual(['echo slow', 'echo queued']);
    // (The replacement also ran its verification probes, in a probe session of its own.)
    const here = fakes.instances[1]!.runs.filter((r) => r.sessionId === s.id).map((r) => r.command);
    expect(here).toEqual(['echo after']);
  });

  it('moves a session still busy at the drain deadline anyway', async () => {
    const { manager, fakes } = await start({ backends: [{ type: 'fake', id: 'a' }] });
    const old = fakes.byPoolId('a')!;
    const s = expectOk(await manager.createSession());
    old.hold();
    const running = manager.executeCommand(s.id, 'sleep forever');
    await tick();
    const report = expectOk(await manager.hotSwap('a', { type: 'fake' }, { drainTimeoutMs: 50 }));
    expect(report).toMatchObject({ moved: 1, forced: 1 });
    // The command did not finish: it ended with its shell, and says so.
    const r = await running;
    expect(r.ok ? r.value.status : r.error.code).toMatch(
      /interrupted|lost|BACKEND_CRASHED|SESSION_NOT_FOUND/,
    );
    expect(expectOk(await manager.executeCommand(s.id, 'echo after')).output).toBe('after\n');
  });

  it('rolls back a replacement that cannot start, and one that fails its probes; the old one keeps serving', async () => {
    const fakes = createFakePlugin();
    const { manager } = await start({ backends: [{ type: 'fake', id: 'a' }] }, fakes);
    const failed: string[] = [];
    manager.on('swap-failed', (e) => failed.push(e.reason));
    const s = expectOk(await manager.createSession());

    const create = fakes.plugin.create;
    fakes.plugin.create = () => {
      throw new Error('no capacity');
    };
    const r1 = await manager.hotSwap('a', { type: 'fake' });
    expect(!r1.ok && r1.error).toMatchObject({ code: 'UNAVAILABLE', dispatched: false });
    expect(!r1.ok && r1.error.message).toMatch(
      /hot swap of a rolled back: the replacement could not be started/,
    );
    fakes.plugin.create = create;

    // A replacement whose probe session cannot be created.
    fakes.plugin.create = (config) => {
      const b = create(config);
      (b as ReturnType<typeof createFakePlugin>['instances'][number]).failNext(1, {
        code: 'UNAVAILABLE',
        dispatched: false,
        on: 'createSession',
      });
      return b;
    };
    const r2 = await manager.hotSwap('a', { type: 'fake' });
    expect(!r2.ok && r2.error.message).toMatch(/failed probe 1 of 2/);
    fakes.plugin.create = create;

    expect(failed).toHaveLength(2);
    expect(manager.backends().map((b) => b.id)).toEqual(['a']);
    expect(manager.backendOf(s.id)).toBe('a');
    expect(expectOk(await manager.executeCommand(s.id, 'echo still')).output).toBe('still\n');
    expect(fakes.instances.filter((b) => b.initialized)).toEqual([fakes.instances[0]]);
    expect(manager.getMetrics().swaps).toMatchObject({ succeeded: 0, failed: 2 });
  });

  it('refuses a second swap of the same backend while one runs, and unknown ids', async () => {
    const { manager, fakes } = await start({ backends: [{ type: 'fake', id: 'a' }] });
    const s = expectOk(await manager.createSession());
    fakes.byPoolId('a')!.hold();
    const running = manager.executeCommand(s.id, 'echo x');
    await tick();
    const first = manager.hotSwap('a', { type: 'fake' });
    const second = await manager.hotSwap('a', { type: 'fake' });
    expect(!second.ok && second.error.code).toBe('BUSY');
    const unknown = await manager.hotSwap('zz', { type: 'fake' });
    expect(!unknown.ok && unknown.error.code).toBe('INVALID_INPUT');
    const badSpec = await manager.hotSwap('a', { type: 'nope' });
    expect(!badSpec.ok && badSpec.error.message).toMatch(/unknown backend type "nope"/);
    fakes.byPoolId('a')!.release();
    await running;
    expectOk(await first);
  });
});

describe('drain and undrain', () => {
  it('empties a backend for maintenance and takes it back', async () => {
    const { manager, fakes } = await start({
      backends: [
        { type: 'fake', id: 'a' },
        { type: 'fake', id: 'b' },
      ],
    });
    const s = expectOk(await manager.createSession());
    expect(manager.backendOf(s.id)).toBe('a');
    const report = expectOk(await manager.drain('a'));
    expect(report).toMatchObject({ backendId: 'a', moved: 1, ended: 0, forced: 0 });
    expect(manager.backendOf(s.id)).toBe('b');
    expect(manager.backends().find((b) => b.id === 'a')).toMatchObject({ draining: true, running: true });
    expect(manager.backendOf(expectOk(await manager.createSession()).id)).toBe('b');
    expectOk(manager.undrain('a'));
    expect(manager.backendOf(expectOk(await manager.createSession()).id)).toBe('a');
    expect(fakes.byPoolId('a')!.initialized).toBe(true);
  });

  it("mode 'finish' waits for sessions to end by themselves, up to the deadline", async () => {
    const { manager } = await start({
      backends: [
        { type: 'fake', id: 'a' },
        { type: 'fake', id: 'b' },
      ],
    });
    const ends = expectOk(await manager.createSession());
    const stays = expectOk(await manager.createSession());
    const draining = manager.drain('a', { mode: 'finish', timeoutMs: 200 });
    await tick();
    expectOk(await manager.destroySession(ends.id));
    const report = expectOk(await draining);
    expect(report).toMatchObject({ ended: 1, moved: 1, forced: 1 });
    expect(manager.backendOf(stays.id)).toBe('b');
  });
});
