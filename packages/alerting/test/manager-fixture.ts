import { BackendFactory } from '@vth/factory';
import { BackendManager, type ManagerConfigInput } from '@vth/manager';
import { createFakePlugin, type FakeBackend, type FakePlugin } from '@vth/manager/testing';
import { expectOk } from '@vth/testkit';
import { AlertEngine, type AlertEngineOptions } from '../src/alert-engine';
import { type Alert } from '../src/alert';
import { MemoryAlertSink } from '../src/sinks/memory-sink';
import { ManualClock } from '../src/testing/manual-clock';

/** Managers and engines of a test, shut down after it. */
const managers: BackendManager[] = [];
const engines: AlertEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.shutdown()));
  await Promise.all(managers.splice(0).map((m) => m.shutdown()));
});

/**
 * Health that reacts to one failed probe and lets a backend back in at the next passing one, so a test
 * drives ejection and recovery with `probeNow()`; no probe runs by itself.
 */
export const REACTIVE: Partial<ManagerConfigInput> = {
  probe: { enabled: false },
  retry: { initialDelayMs: 1, maxDelayMs: 5 },
  health: { consecutiveFailures: 1, baseEjectionMs: 0, recoveryProbes: 1, maxEjectionPercent: 100 },
};

export async function startManager(
  config: Partial<ManagerConfigInput> = {},
  fakes: FakePlugin = createFakePlugin(),
): Promise<{ manager: BackendManager; fakes: FakePlugin }> {
  const manager = new BackendManager({ factory: new BackendFactory({ plugins: [fakes.plugin] }) });
  managers.push(manager);
  expectOk(
    await manager.initialize({
      backends: [
        { type: 'fake', id: 'a' },
        { type: 'fake', id: 'b' },
      ],
      ...REACTIVE,
      ...config,
    }),
  );
  return { manager, fakes };
}

export const T0 = Date.parse('2030-01-01T00:00:00Z');

export interface Harness {
  engine: AlertEngine;
  clock: ManualClock;
  memory: MemoryAlertSink;
  fired: Alert[];
  resolved: Alert[];
}

/** An engine on a manual clock, with a memory sink and the alerts it fired and resolved, attached to `manager`. */
export function startEngine(manager: BackendManager, options: AlertEngineOptions = {}): Harness {
  const clock = new ManualClock(T0);
  const memory = new MemoryAlertSink();
  const engine = expectOk(
    AlertEngine.create({ clock, ...options, sinks: [memory, ...(options.sinks ?? [])] }),
  );
  engines.push(engine);
  const fired: Alert[] = [];
  const resolved: Alert[] = [];
  engine.on('alert-fired', (a) => fired.push(a));
  engine.on('alert-resolved', (a) => resolved.push(a));
  expectOk(engine.attach(manager));
  return { engine, clock, memory, fired, resolved };
}

/** Lets queued microtasks and I/O callbacks run (the engine evaluates right after a manager event). */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The fake behind a pool backend now (the manager may have rebuilt it). */
export function fakeOf(fakes: FakePlugin, id: string): FakeBackend {
  return fakes.byPoolId(id)!;
}

/**
 * One failed probe of each of `ids` (its next command fails, not dispatched): the manager ejects them.
 * (Other backends pass this probe: an ejected one comes back.)
 */
export async function eject(manager: BackendManager, fakes: FakePlugin, ...ids: string[]): Promise<void> {
  for (const id of ids)
    fakeOf(fakes, id).failNext(1, { code: 'UNAVAILABLE', dispatched: false, message: 'probe refused' });
  await manager.probeNow();
  await tick();
  for (const id of ids) expect(manager.backends().find((b) => b.id === id)?.ejected).toBe(true);
}

/** One passing probe: the manager takes `id` back. */
export async function recover(manager: BackendManager, id: string): Promise<void> {
  await manager.probeNow();
  await tick();
  expect(manager.backends().find((b) => b.id === id)?.ejected).toBe(false);
}
