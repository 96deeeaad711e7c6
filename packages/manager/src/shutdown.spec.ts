import { BackendFactory } from '@vth/factory';
import { expectOk } from '@vth/testkit';
import { BackendManager } from './backend-manager';
import { type ManagerConfigInput } from './manager-config';
import { createFakePlugin, type FakePlugin } from './testing/fake-plugin';

/**
 * Records the timers set from now on. `holding()` counts those still due that hold the process open (an
 * unref'd timer cannot keep a CLI from exiting).
 */
function watchTimers(): { holding: () => number } {
  const records: Array<{ timer: NodeJS.Timeout; done: boolean }> = [];
  const realSet = global.setTimeout;
  const realClear = global.clearTimeout;
  jest.spyOn(global, 'setTimeout').mockImplementation(((
    callback: (...args: unknown[]) => void,
    ms?: number,
    ...args: unknown[]
  ) => {
    const record = { timer: undefined as unknown as NodeJS.Timeout, done: false };
    record.timer = realSet(() => {
      record.done = true;
      callback(...args);
    }, ms);
    records.push(record);
    return record.timer;
  }) as typeof setTimeout);
  jest.spyOn(global, 'clearTimeout').mockImplementation((timer) => {
    for (const r of records) if (r.timer === timer) r.done = true;
    realClear(timer);
  });
  return { holding: () => records.filter((r) => !r.done && r.timer.hasRef()).length };
}

afterEach(() => jest.restoreAllMocks());

async function start(
  config: Partial<ManagerConfigInput> & Pick<ManagerConfigInput, 'backends'>,
): Promise<{ manager: BackendManager; fakes: FakePlugin }> {
  const fakes = createFakePlugin();
  const manager = new BackendManager({ factory: new BackendFactory({ plugins: [fakes.plugin] }) });
  expectOk(await manager.initialize({ probe: { enabled: false }, ...config }));
  return { manager, fakes };
}

describe('BackendManager.shutdown leaves no timer running', () => {
  it('ends a drain waiting for a busy session, and its deadline timer', async () => {
    const timers = watchTimers();
    const { manager, fakes } = await start({
      backends: [
        { type: 'fake', id: 'a' },
        { type: 'fake', id: 'b' },
      ],
    });
    const s = expectOk(await manager.createSession());
    fakes.byPoolId('a')!.hold();
    const busy = manager.executeCommand(s.id, 'sleep 100');
    const draining = manager.drain('a', { timeoutMs: 600_000 });
    await manager.shutdown();
    expect(timers.holding()).toBe(0);
    expect((await draining).ok).toBe(true);
    expect(await busy).toMatchObject({ ok: true, value: { status: 'interrupted' } });
  });

  it('stops a call backing off between retries', async () => {
    const timers = watchTimers();
    const { manager, fakes } = await start({
      backends: [{ type: 'fake', id: 'a' }],
      retry: { maxRetries: 5, initialDelayMs: 60_000, maxDelayMs: 300_000 },
      circuitBreaker: { consecutiveFailures: 100 },
    });
    const fake = fakes.byPoolId('a')!;
    fake.failNext(10, { code: 'TIMEOUT', dispatched: false, on: 'createSession' });
    const create = fake.createSession.bind(fake);
    let attempts = 0;
    fake.createSession = (...args) => {
      attempts++;
      return create(...args);
    };
    const creating = manager.createSession();
    // Let the first round fail: the call then waits (60 s) before the next.
    await new Promise((resolve) => setImmediate(resolve));
    expect(attempts).toBe(1);
    await manager.shutdown();
    expect(timers.holding()).toBe(0);
    // Answered now, with the failure that never reached a shell, and not tried again.
    expect(await creating).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', dispatched: false } });
    expect(attempts).toBe(1);
  });
});
