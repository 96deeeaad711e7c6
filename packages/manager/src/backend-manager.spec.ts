import { type BackendResult, type CommandExecution } from '@vth/core';
import { BackendFactory } from '@vth/factory';
import { expectOk } from '@vth/testkit';
import { BackendManager } from './backend-manager';
import { type ManagerConfigInput } from './manager-config';
import { type ManagerEventMap } from './manager-events';
import { createFakePlugin, type FakePlugin } from './testing/fake-plugin';

/** Managers of a test, shut down after it. */
const managers: BackendManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.shutdown()));
});

const QUIET: Partial<ManagerConfigInput> = {
  probe: { enabled: false },
  retry: { initialDelayMs: 1, maxDelayMs: 5 },
};

async function start(
  config: Partial<ManagerConfigInput> & Pick<ManagerConfigInput, 'backends'>,
  fakes: FakePlugin = createFakePlugin(),
  extra: { random?: () => number } = {},
): Promise<{ manager: BackendManager; fakes: FakePlugin }> {
  const manager = new BackendManager({ factory: new BackendFactory({ plugins: [fakes.plugin] }), ...extra });
  managers.push(manager);
  expectOk(await manager.initialize({ ...QUIET, ...config }));
  return { manager, fakes };
}

/** Collects a manager event's payloads. */
function collect<K extends keyof ManagerEventMap>(
  manager: BackendManager,
  event: K,
): Array<ManagerEventMap[K][0]> {
  const seen: Array<ManagerEventMap[K][0]> = [];
  manager.on(event, ((payload: ManagerEventMap[K][0]) => seen.push(payload)) as never);
  return seen;
}

function nextEvent<K extends keyof ManagerEventMap>(
  manager: BackendManager,
  event: K,
): Promise<ManagerEventMap[K][0]> {
  return new Promise((resolve) =>
    manager.once(event, ((payload: ManagerEventMap[K][0]) => resolve(payload)) as never),
  );
}

const output = (r: BackendResult<CommandExecution>): string | undefined =>
  r.ok ? r.value.output : undefined;

describe('BackendManager configuration', () => {
  it('answers INVALID_CONFIG naming every bad path', async () => {
    const manager = new BackendManager({
      factory: new BackendFactory({ plugins: [createFakePlugin().plugin] }),
    });
    const r = await manager.initialize({
      backends: [{ type: 'fake', weight: -1 }],
      probe: { intervalMs: 5 },
      strategi: 'x',
    });
    expect(!r.ok && r.error.code).toBe('INVALID_CONFIG');
    const issues = !r.ok ? (r.error.details?.['issues'] as string[]) : [];
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^config\.backends\[0\]\.weight: /),
        expect.stringMatching(/^config\.probe\.intervalMs: must be at least 100 ms/),
        'config.strategi: unknown key',
      ]),
    );
    // Still uninitialized, and a good config works afterwards.
    expect(!(await manager.createSession()).ok).toBe(true);
    expectOk(await manager.initialize({ backends: [{ type: 'fake' }], probe: { enabled: false } }));
    await manager.shutdown();
  });

  it('refuses an unknown strategy, an unknown backend type, duplicate ids and an empty pool', async () => {
    const factory = new BackendFactory({ plugins: [createFakePlugin().plugin] });
    const cases: Array<[unknown, RegExp]> = [
      [
        { backends: [{ type: 'fake' }], strategy: 'fastest' },
        /unknown strategy "fastest" \(registered: primary-fallback, /,
      ],
      [{ backends: [{ type: 'tmuxx' }] }, /unknown backend type "tmuxx" \(registered: fake\)/],
      [
        {
          backends: [
            { type: 'fake', id: 'a' },
            { type: 'fake', id: 'a' },
          ],
        },
        /backends\[1\]\.id: duplicate id "a"/,
      ],
      [{ backends: [] }, /config\.backends: must name at least one backend/],
    ];
    for (const [config, message] of cases) {
      const r = await new BackendManager({ factory }).initialize(config as never);
      expect(!r.ok && r.error).toMatchObject({ code: 'INVALID_CONFIG', dispatched: false });
      expect(!r.ok && r.error.message).toMatch(message);
    }
  });

  it('uses the constructor config when initialize gets none, and its capabilities before initialize', async () => {
    const fakes = createFakePlugin();
    const manager = new BackendManager({
      factory: new BackendFactory({ plugins: [fakes.plugin] }),
      config: { id: 'mgr', backends: [{ type: 'fake' }, { type: 'fake' }], probe: { enabled: false } },
    });
    managers.push(manager);
    expect(manager.capabilities.persistentSessions).toBe(true);
    expect(manager.capabilities.multiplePanes).toBe(false);
    expectOk(await manager.initialize({}));
    expect(manager.id).toBe('mgr');
    expect(manager.backends().map((b) => b.id)).toEqual(['fake', 'fake-2']);
  });

  it('starts with the backends that come up and reports the others; fails only when none does', async () => {
    const good = createFakePlugin('good');
    const broken = {
      ...createFakePlugin('broken').plugin,
      checkPlatform: async () => ({ ok: false as const, reason: 'no engine' }),
    };
    const factory = new BackendFactory({ plugins: [good.plugin, broken] });
    const manager = new BackendManager({ factory });
    managers.push(manager);
    const ejected = collect(manager, 'backend-ejected');
    expectOk(await manager.initialize({ ...QUIET, backends: [{ type: 'broken' }, { type: 'good' }] }));
    expect(ejected).toEqual([
      expect.objectContaining({ backendId: 'broken', reason: expect.stringMatching(/no engine/) }),
    ]);
    const health = await manager.getHealth();
    expect(health.status).toBe('degraded');
    expect(health.message).toMatch(/broken: ejected/);
    const s = expectOk(await manager.createSession());
    expect(manager.backendOf(s.id)).toBe('good');

    const none = await new BackendManager({ factory }).initialize({ backends: [{ type: 'broken' }] });
    expect(!none.ok && none.error).toMatchObject({ code: 'UNAVAILABLE', dispatched: false });
    expect(!none.ok && none.error.message).toMatch(
      /no backend of the pool could be started: broken: .*no engine/,
    );
  });
});

describe('BackendManager routing', () => {
  it('pins each session to the backend that created it; every call goes there', async () => {
    const { manager, fakes } = await start({
      strategy: 'round-robin',
      backends: [
        { type: 'fake', id: 'a' },
        { type: 'fake', id: 'b' },
      ],
    });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(expectOk(await manager.createSession()).id);
    expect(ids.map((id) => manager.backendOf(id))).toEqual(['a', 'b', 'a', 'b']);
    for (const id of ids) expect(output(await manager.executeCommand(id, `echo ${id}`))).toBe(`${id}\n`);
    expect(fakes.byPoolId('a')!.ran).toEqual([`echo ${ids[0]}`, `echo ${ids[2]}`]);
    expect(fakes.byPoolId('b')!.ran).toEqual([`echo ${ids[1]}`, `echo ${ids[3]}`]);
    const listed = expectOk(await manager.listSessions());
    expect(listed.map((s) => s.id).sort()).toEqual([...ids].sort());
    for (const info of listed) expect(info.backendId).toBe(manager.id);
  });

  it('uses a strategy registered by the program', async () => {
    const fakes = createFakePlugin();
    const manager = new BackendManager({ factory: new BackendFactory({ plugins: [fakes.plugin] }) });
    managers.push(manager);
    expectOk(manager.strategies.register('last', () => ({ name: 'last', select: (c) => c[c.length - 1] })));
    expectOk(
      await manager.initialize({
        ...QUIET,
        strategy: 'last',
        backends: [
          { type: 'fake', id: 'a' },
          { type: 'fake', id: 'b' },
        ],
      }),
    );
    const s = expectOk(await manager.createSession());
    expect(manager.backendOf(s.id)).toBe('b');
  });

  it("hands its backends a frozen copy of a call's context, read once, never the caller's object", async () => {
    const { manager, fakes } = await start({ backends: [{ type: 'fake', id: 'a' }] });
    const inner = fakes.byPoolId('a')!;
    const seen: unknown[] = [];
    const createSession = inner.createSession.bind(inner);
    inner.createSession = (options, context) => {
      seen.push(context);
      return createSession(options, context);
    };
    const executeCommand = inner.executeCommand.bind(inner);
    inner.executeCommand = (id, command, pane, context) => {
      seen.push(context);
      return executeCommand(id, command, pane, context);
    };
    let reads = 0;
    const controller = new AbortController();
    const context = {
      get requestId() {
        reads++;
        return 'r-1';
      },
      signal: controller.signal,
    };
    const session = expectOk(await manager.createSession(undefined, context)).id;
    expectOk(await manager.executeCommand(session, 'echo hi', undefined, context));
    expect(reads).toBe(2); // once per call
    expect(seen).toHaveLength(2);
    for (const given of seen as Array<typeof context>) {
      expect(given).not.toBe(context);
      expect(Object.isFrozen(given)).toBe(true);
      expect(given.requestId).toBe('r-1');
      expect(given.signal).not.toBe(controller.signal);
    }
  });

  it('refuses a context whose getter throws itself, without calling a backend', async () => {
    const { manager, fakes } = await start({ backends: [{ type: 'fake', id: 'a' }] });
    const session = expectOk(await manager.createSession()).id;
    const inner = fakes.byPoolId('a')!;
    const calls = [jest.spyOn(inner, 'executeCommand'), jest.spyOn(inner, 'executeBatch')];
    const hostile = Object.defineProperty({}, 'timeoutMs', {
      enumerable: true,
      get() {
        throw new Error('no peeking');
      },
    });
    for (const r of [
      await manager.executeCommand(session, 'echo hi', undefined, hostile),
      await manager.executeBatch(session, ['echo hi'], undefined, hostile),
    ]) {
      expect(!r.ok && [r.error.code, r.error.message]).toEqual([
        'INVALID_INPUT',
        'invalid context: context.timeoutMs: could not be read (no peeking)',
      ]);
    }
    for (const call of calls) expect(call).not.toHaveBeenCalled();
  });
});

describe('BackendManager failover', () => {
  it("re-creates a crashed session as its owner (the caller's userId and source, nothing else)", async () => {
    const { manager, fakes } = await start({
      backends: [
        { type: 'fake', id: 'a' },
        { type: 'fake', id: 'b' },
      ],
    });
    const onOutput = () => undefined;
    const s = expectOk(
      await manager.createSession({}, { userId: 'alice', source: 'voice', timeoutMs: 1234, onOutput }),
    );
    expect(manager.backendOf(s.id)).toBe('a');
    const create = jest.spyOn(fakes.byPoolId('b')!, 'createSession');
    const moved = nextEvent(manager, 'session-migrated');
    fakes.byPoolId('a')!.crash();
    await moved;
    expect(manager.backendOf(s.id)).toBe('b');
    expect(create).toHaveBeenCalledTimes(1);
    expect(create.mock.calls[0]![1]).toEqual({ userId: 'alice', source: 'voice' });
  });

  it('re-creates a crashed session elsewhere with its cwd and environment, and says so', async () => {
    const { manager, fakes } = await start({
      backends: [
        { type: 'fake', id: 'a' },
        { type: 'fake', id: 'b' },
      ],
    });
    const migrated = collect(manager, 'session-migrated');
    const failovers = collect(manager, 'failover');
    const s = expectOk(await manager.createSession({ env: { FROM_START: 'yes' } }));
    expectOk(await manager.executeCommand(s.id, 'export TOKEN="a b" && cd /srv'));
    const moved = nextEvent(manager, 'session-migrated');
    fakes.byPoolId('a')!.crash();
    await moved;
    expect(migrated).toEqual([
      expect.objectContaining({
        sessionId: s.id,
        from: 'a',
        to: 'b',
        cwd: '/srv',
        untracked: [],
        reason: 'crashed',
      }),
    ]);
    expect(failovers).toEqual([expect.objectContaining({ from: 'a', sessions: [s.id] })]);
    expect(manager.backendOf(s.id)).toBe('b');
    expect(output(await manager.executeCommand(s.id, 'echo "$TOKEN|$FROM_START" && pwd'))).toBe(
      'a b|yes\n/srv\n',
    );
    expect(fakes.byPoolId('b')!.shellState(s.id)?.env).toMatchObject({ TOKEN: 'a b', FROM_START: 'yes' });
  });

  it('never runs a command twice: the one in flight fails dispatched, the queued one runs once on the new backend', async () => {
    const { manager, fakes } = await start({
      backends: [
        { type: 'fake', id: 'a' },
        { type: 'fake', id: 'b' },
      ],
    });
    const a = fakes.byPoolId('a')!;
    const s = expectOk(await manager.createSession());
    a.hold();
    const running = manager.executeCommand(s.id, 'echo first');
    const queued = manager.executeCommand(s.id, 'echo second');
    await new Promise((r) => setImmediate(r));
    a.crash();
    const first = await running;
    expect(!first.ok && first.error).toMatchObject({
      code: 'BACKEND_CRASHED',
      dispatched: true,
      backendId: 'a',
    });
    expect(output(await queued)).toBe('second\n');
    expect(a.ran).toEqual(['echo first']);
    expect(fakes.byPoolId('b')!.ran).toEqual(['echo second']);
  });

  it('moves sessions to the backend they came from when it is the only one, through a fresh instance', async () => {
    const { manager, fakes } = await start({ backends: [{ type: 'fake', id: 'solo' }] });
    const s = expectOk(await manager.createSession());
    expectOk(await manager.executeCommand(s.id, 'export KEEP=1'));
    const moved = nextEvent(manager, 'session-migrated');
    fakes.byPoolId('solo')!.crash();
    expect(await moved).toMatchObject({ from: 'solo', to: 'solo' });
    expect(fakes.instances).toHaveLength(2);
    expect(output(await manager.executeCommand(s.id, 'echo $KEEP'))).toBe('1\n');
    expect(fakes.instances[1]!.ran).toEqual(['echo $KEEP']);
  });

  it('ends a session that cannot be re-created anywhere, with a reason later calls repeat', async () => {
    const fakes = createFakePlugin();
    const { manager } = await start(
      { backends: [{ type: 'fake', id: 'a' }], failover: { timeoutMs: 500 } },
      fakes,
    );
    const failed = nextEvent(manager, 'session-migration-failed');
    const closed = collect(manager, 'session-closed');
    const s = expectOk(await manager.createSession());
    // Every new instance is down too: nowhere to go.
    fakes.plugin.create = () => {
      throw new Error('no more fakes');
    };
    fakes.byPoolId('a')!.crash();
    expect((await failed).sessionId).toBe(s.id);
    expect(closed).toEqual([{ sessionId: s.id, reason: 'crashed' }]);
    const r = await manager.executeCommand(s.id, 'echo x');
    expect(!r.ok && r.error).toMatchObject({ code: 'SESSION_NOT_FOUND', dispatched: false });
    expect(!r.ok && r.error.message).toMatch(/was lost .* could not be re-created/);
  });

  it('does not send input to the new shell while a session moves', async () => {
    const { manager, fakes } = await start({
      backends: [
        { type: 'fake', id: 'a' },
        { type: 'fake', id: 'b' },
      ],
    });
    const s = expectOk(await manager.createSession());
    fakes.byPoolId('b')!.hold();
    fakes.byPoolId('a')!.crash();
    const r = await manager.sendInput(s.id, 'y\n');
    expect(!r.ok && r.error).toMatchObject({ code: 'UNAVAILABLE', dispatched: false });
    expect(fakes.byPoolId('b')!.inputs).toEqual([]);
  });
});

describe('BackendManager retries', () => {
  it('retries a failure that never reached the shell, with backoff, on the same session', async () => {
    const { manager, fakes } = await start({
      backends: [{ type: 'fake', id: 'a' }],
      retry: { maxRetries: 3, initialDelayMs: 1, maxDelayMs: 5 },
    });
    const s = expectOk(await manager.createSession());
    const a = fakes.byPoolId('a')!;
    a.failNext(2, { code: 'UNAVAILABLE', dispatched: false });
    expect(output(await manager.executeCommand(s.id, 'echo once'))).toBe('once\n');
    expect(a.ran).toEqual(['echo once']);
  });

  it('gives up after maxRetries and answers the last error', async () => {
    const { manager, fakes } = await start({
      backends: [{ type: 'fake', id: 'a' }],
      retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 2 },
    });
    const s = expectOk(await manager.createSession());
    fakes.byPoolId('a')!.failNext(2, { code: 'UNAVAILABLE', dispatched: false, message: 'busy engine' });
    const r = await manager.executeCommand(s.id, 'echo x');
    expect(!r.ok && r.error).toMatchObject({
      code: 'UNAVAILABLE',
      dispatched: false,
      backendId: 'a',
      message: 'busy engine',
    });
    expect(fakes.byPoolId('a')!.ran).toEqual([]);
  });

  it.each([
    ['a dispatched failure', { code: 'INTERNAL' as const, dispatched: true }, ['echo x']],
    ['a rate limit', { code: 'RATE_LIMITED' as const, dispatched: false }, []],
    ['a refused command', { code: 'FORBIDDEN' as const, dispatched: false }, []],
  ])('does not retry %s', async (_what, fault, ran) => {
    const { manager, fakes } = await start({
      backends: [{ type: 'fake', id: 'a' }],
      retry: { maxRetries: 3 },
    });
    const s = expectOk(await manager.createSession());
    fakes.byPoolId('a')!.failNext(1, fault);
    const r = await manager.executeCommand(s.id, 'echo x');
    expect(!r.ok && r.error).toMatchObject(fault);
    expect(fakes.byPoolId('a')!.ran).toEqual(ran);
  });

  it('places a session on the next backend when one fails to create it', async () => {
    const { manager, fakes } = await start({
      backends: [
        { type: 'fake', id: 'a' },
        { type: 'fake', id: 'b' },
      ],
    });
    fakes.byPoolId('a')!.failNext(1, { code: 'UNAVAILABLE', dispatched: false, on: 'createSession' });
    const s = expectOk(await manager.createSession());
    expect(manager.backendOf(s.id)).toBe('b');
  });

  it('opens a backend circuit after consecutive infrastructure failures and stops sending it sessions', async () => {
    const { manager, fakes } = await start({
      backends: [
        { type: 'fake', id: 'a' },
        { type: 'fake', id: 'b' },
      ],
      circuitBreaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 },
      health: { consecutiveFailures: 100 },
    });
    const a = fakes.byPoolId('a')!;
    a.failNext(2, { code: 'UNAVAILABLE', dispatched: false, on: 'createSession' });
    expect(manager.backendOf(expectOk(await manager.createSession()).id)).toBe('b');
    expect(manager.backendOf(expectOk(await manager.createSession()).id)).toBe('b');
    expect(manager.getMetrics().backends['a']!.circuit).toBe('open');
    // Open: not even tried, although it would work now.
    expect(manager.backendOf(expectOk(await manager.createSession()).id)).toBe('b');
    expect(a.ran).toEqual([]);
  });
});

describe('BackendManager health', () => {
  it('ejects a backend whose probes fail, routes around it, and takes it back after passing probes', async () => {
    // Down like an engine that stopped: a new instance cannot be created either.
    let engineUp = true;
    const fakes = createFakePlugin();
    fakes.plugin.checkPlatform = async () => (engineUp ? { ok: true } : { ok: false, reason: 'engine down' });
    const { manager } = await start(
      {
        backends: [
          { type: 'fake', id: 'a' },
          { type: 'fake', id: 'b' },
        ],
        probe: { intervalMs: 100, timeoutMs: 50 },
        health: { consecutiveFailures: 2, baseEjectionMs: 200, recoveryProbes: 2, maxEjectionPercent: 50 },
      },
      fakes,
    );
    const a = fakes.byPoolId('a')!;
    const ejected = nextEvent(manager, 'backend-ejected');
    engineUp = false;
    a.setDown(true);
    expect(await ejected).toMatchObject({
      backendId: 'a',
      ejections: 1,
      reason: expect.stringMatching(/2 consecutive failures/),
    });
    expect(manager.backendOf(expectOk(await manager.createSession()).id)).toBe('b');
    expect((await manager.getHealth()).status).toBe('degraded');
    const recovered = nextEvent(manager, 'backend-recovered');
    engineUp = true;
    a.setDown(false);
    expect((await recovered).backendId).toBe('a');
    expect(manager.backendOf(expectOk(await manager.createSession()).id)).toBe('a');
    expect((await manager.getHealth()).status).toBe('healthy');
    expect(manager.getMetrics().backends['a']!.health.ejections).toBe(1);
  });

  it('probes on demand with probeNow, also with interval probes off', async () => {
    let engineUp = true;
    const fakes = createFakePlugin();
    fakes.plugin.checkPlatform = async () => (engineUp ? { ok: true } : { ok: false, reason: 'engine down' });
    const { manager } = await start(
      {
        backends: [
          { type: 'fake', id: 'a' },
          { type: 'fake', id: 'b' },
        ],
        health: { consecutiveFailures: 2 },
      },
      fakes,
    );
    engineUp = false;
    fakes.byPoolId('a')!.setDown(true);
    await manager.probeNow();
    expect(manager.getMetrics().backends['a']!.health).toMatchObject({ ejected: false, lastProbeOk: false });
    await manager.probeNow();
    expect(manager.getMetrics().backends['a']!.health).toMatchObject({
      ejected: true,
      consecutiveFailures: 2,
    });
    expect(manager.getMetrics().backends['b']!.health).toMatchObject({ lastProbeOk: true });
  });

  it('routes to every backend in panic rather than to none', async () => {
    const { manager, fakes } = await start({
      backends: [
        { type: 'fake', id: 'a' },
        { type: 'fake', id: 'b' },
      ],
      health: { consecutiveFailures: 1, maxEjectionPercent: 100, panicThresholdPercent: 50 },
      retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 1 },
    });
    const ejected = collect(manager, 'backend-ejected');
    // One failure each ejects both; the retry finds them again because the pool panics.
    for (const id of ['a', 'b']) {
      fakes.byPoolId(id)!.failNext(1, { code: 'UNAVAILABLE', dispatched: false, on: 'createSession' });
    }
    const s = expectOk(await manager.createSession());
    expect(ejected.map((e) => e.backendId).sort()).toEqual(['a', 'b']);
    expect(manager.getMetrics().panic).toBe(true);
    expect(['a', 'b']).toContain(manager.backendOf(s.id));
    expect(output(await manager.executeCommand(s.id, 'echo still'))).toBe('still\n');
    const health = await manager.getHealth();
    expect(health).toMatchObject({ status: 'degraded', details: { panic: true } });
  });

  it('breaks health and metrics down per backend', async () => {
    const { manager } = await start({
      backends: [
        { type: 'fake', id: 'a', weight: 3 },
        { type: 'fake', id: 'b' },
      ],
    });
    const s = expectOk(await manager.createSession());
    expectOk(await manager.executeCommand(s.id, 'echo hi'));
    const metrics = manager.getMetrics();
    expect(metrics).toMatchObject({
      backendId: manager.id,
      type: 'manager',
      sessions: { active: 1, created: 1 },
      commands: { started: 1, completed: 1 },
      failovers: 0,
    });
    expect(metrics.backends['a']).toMatchObject({ weight: 3, activeSessions: 1, circuit: 'closed' });
    expect(metrics.backends['a']!.backend).toMatchObject({ backendId: 'a', commands: { completed: 1 } });
    expect(metrics.backends['a']!.health).toMatchObject({
      consecutiveFailures: 0,
      ejections: 0,
      errorRate: 0,
    });
    expect(metrics.backends['b']).toMatchObject({ activeSessions: 0 });
    const health = await manager.getHealth();
    expect(health.details?.['backends']).toMatchObject({
      a: { status: 'healthy' },
      b: { status: 'healthy' },
    });
  });
});

describe('BackendManager pool changes', () => {
  it('adds a backend at run time and removes one, moving its sessions', async () => {
    const { manager, fakes } = await start({
      strategy: 'least-connections',
      backends: [{ type: 'fake', id: 'a' }],
    });
    const added = collect(manager, 'backend-added');
    const removed = collect(manager, 'backend-removed');
    const s = expectOk(await manager.createSession());
    expectOk(await manager.executeCommand(s.id, 'export MOVED=yes'));
    expect(expectOk(await manager.addBackend({ type: 'fake', id: 'b' }))).toBe('b');
    expect(added).toEqual([{ backendId: 'b', type: 'fake' }]);
    const dup = await manager.addBackend({ type: 'fake', id: 'b' });
    expect(!dup.ok && dup.error.code).toBe('INVALID_INPUT');
    const bad = await manager.addBackend({ type: 'fake', weight: 0 } as never);
    expect(!bad.ok && bad.error.message).toMatch(/spec\.weight/);

    const migrated = collect(manager, 'session-migrated');
    expectOk(await manager.removeBackend('a'));
    expect(removed).toEqual([{ backendId: 'a', type: 'fake' }]);
    expect(migrated).toEqual([
      expect.objectContaining({ sessionId: s.id, from: 'a', to: 'b', reason: 'backend-removed' }),
    ]);
    expect(manager.backends().map((b) => b.id)).toEqual(['b']);
    expect(fakes.byPoolId('a')!.initialized).toBe(false);
    expect(output(await manager.executeCommand(s.id, 'echo $MOVED'))).toBe('yes\n');
    const unknown = await manager.removeBackend('zzz');
    expect(!unknown.ok && unknown.error.code).toBe('INVALID_INPUT');
  });
});
