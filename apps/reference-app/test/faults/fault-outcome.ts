import { type BackendManager, type SessionMigratedEvent } from '@vth/manager';
import { expectOk, pollUntil } from '@vth/testkit';
import { type LoadReport } from './fault-load';

/** Bounds a hung wait; not a performance claim. */
export const WAIT_MS = 60_000;

/**
 * What the manager said after a fault: when it first noticed (a backend leaving `healthy`, an ejection,
 * a failover, a session moving or closing) and which sessions moved where.
 *
 * @example
 * ```ts
 * const watch = new FaultWatch(manager);
 * watch.injected();
 * // ...kill something...
 * console.log(watch.detectedAfterMs());
 * ```
 */
export class FaultWatch {
  readonly migrated: Array<SessionMigratedEvent & { at: number }> = [];
  readonly ejected: string[] = [];
  /** `"<backend> <status>"` for every health change of a pool member, in order. */
  readonly health: string[] = [];
  private injectedAt: number | undefined;
  private detectedAt: number | undefined;
  private readonly listeners: Array<[string, (e: never) => void]> = [];

  constructor(private readonly manager: BackendManager) {
    const detected = () => {
      if (this.injectedAt !== undefined) this.detectedAt ??= performance.now();
    };
    this.listen('backend-health-changed', (e: { backendId: string; current: { status: string } }) => {
      this.health.push(`${e.backendId} ${e.current.status}`);
      if (e.current.status !== 'healthy') detected();
    });
    this.listen('backend-ejected', (e: { backendId: string }) => {
      this.ejected.push(e.backendId);
      detected();
    });
    this.listen('failover', detected);
    this.listen('session-closed', detected);
    this.listen('session-migrated', (e: SessionMigratedEvent) => {
      detected();
      this.migrated.push({ ...e, at: performance.now() });
    });
  }

  /** Marks the moment of the fault; events before it do not count as its detection. */
  injected(): void {
    this.injectedAt = performance.now();
  }

  /** Milliseconds from the fault to the first sign of it, or `undefined` when nothing showed. */
  detectedAfterMs(): number | undefined {
    return this.injectedAt === undefined || this.detectedAt === undefined
      ? undefined
      : this.detectedAt - this.injectedAt;
  }

  stop(): void {
    for (const [name, listener] of this.listeners) this.manager.off(name as never, listener as never);
  }

  private listen<E>(name: string, listener: (e: E) => void): void {
    this.manager.on(name as never, listener as never);
    this.listeners.push([name, listener as (e: never) => void]);
  }
}

/** No silent loss, no command run twice, no dishonest `dispatched`, every failure a typed `BackendError`. */
export function expectNoSilentLoss(report: LoadReport): void {
  expect(report.lost).toEqual([]);
  expect(report.twice).toEqual([]);
  expect(report.dishonest).toEqual([]);
  expect(report.untyped).toEqual([]);
}

/** The failures the load saw, as `"<code> dispatched|undispatched"` and `"status <status>"`: only these. */
export function expectErrorsAmong(report: LoadReport, allowed: string[]): void {
  expect(Object.keys(report.errors).filter((key) => !allowed.includes(key))).toEqual([]);
}

/** The manager is `healthy` again, and a new session runs a command. */
export async function expectRecovered(manager: BackendManager): Promise<void> {
  const health = await pollUntil(
    () => manager.getHealth(),
    (h) => h.status === 'healthy',
    { timeoutMs: WAIT_MS, intervalMs: 50 },
  );
  expect(health.status).toBe('healthy');
  const fresh = expectOk(await manager.createSession(), 'a session after the fault');
  expect(expectOk(await manager.executeCommand(fresh.id, 'echo recovered')).output).toBe('recovered\n');
  expectOk(await manager.destroySession(fresh.id));
}

/** The one line a fault test prints: what it did and what came of it. */
export function printFigure(
  fault: string,
  figures: { detectedMs: number | undefined; moved: number; report: LoadReport },
): void {
  const { report } = figures;
  const completed = report.records.filter((r) => r.kind === 'completed').length;
  console.log(
    `${fault}: detected after ${figures.detectedMs === undefined ? 'n/a' : `${figures.detectedMs.toFixed(0)} ms`}, ` +
      `moved ${figures.moved}, lost ${report.lost.length}, twice ${report.twice.length}; ` +
      `${report.records.length} commands, ${completed} completed, errors ${JSON.stringify(report.errors)}`,
  );
}
