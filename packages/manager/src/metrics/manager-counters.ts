import { MetricsRecorder } from '@vth/core/kit';

/**
 * The manager's own counters: those of any backend (sessions, commands, errors, latency), plus what only a
 * manager does: failovers, migrations and hot swaps.
 *
 * @example
 * ```ts
 * counters.migrated();
 * const { failovers, migrations, swaps } = counters.pool();
 * ```
 */
export class ManagerCounters extends MetricsRecorder {
  private failoversSeen = 0;
  private migrationsOk = 0;
  private migrationsFailed = 0;
  private swapsDone = 0;
  private swapsFailed = 0;
  private lastSwapMs: number | undefined;

  /** A backend failed with sessions on it. */
  failover(): void {
    this.failoversSeen++;
  }

  migrated(): void {
    this.migrationsOk++;
  }

  migrationFailed(): void {
    this.migrationsFailed++;
  }

  swapped(durationMs: number): void {
    this.swapsDone++;
    this.lastSwapMs = durationMs;
  }

  swapFailed(): void {
    this.swapsFailed++;
  }

  pool(): {
    failovers: number;
    migrations: { succeeded: number; failed: number };
    swaps: { succeeded: number; failed: number; lastDurationMs?: number };
  } {
    return {
      failovers: this.failoversSeen,
      migrations: { succeeded: this.migrationsOk, failed: this.migrationsFailed },
      swaps: {
        succeeded: this.swapsDone,
        failed: this.swapsFailed,
        ...(this.lastSwapMs === undefined ? {} : { lastDurationMs: this.lastSwapMs }),
      },
    };
  }
}
