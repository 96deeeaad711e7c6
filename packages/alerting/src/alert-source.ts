import { thrownMessage } from '@vth/core/kit';
import {
  type BackendManager,
  type ExperimentReport,
  type ManagerMetrics,
  type PoolBackendSummary,
} from '@vth/manager';

/**
 * What the engine reads and listens to: a `BackendManager` (or anything with the same public methods and
 * events, e.g. a view of a manager in another process). Only these are used.
 */
export type AlertSource = Pick<
  BackendManager,
  'backends' | 'getMetrics' | 'backendOf' | 'runningExperiments' | 'experimentReport' | 'on' | 'off'
>;

/**
 * The source's state at one evaluation, read lazily (a rule that needs no metrics costs none) and once.
 * A read that throws counts as empty and is reported: one broken read never stops the other rules.
 */
export class SourceSnapshot {
  private backendList: PoolBackendSummary[] | undefined;
  private metricsValue: ManagerMetrics | null | undefined;
  private reports: ExperimentReport[] | undefined;

  constructor(
    private readonly source: AlertSource,
    private readonly onError: (what: string, message: string) => void,
  ) {}

  backends(): PoolBackendSummary[] {
    this.backendList ??= this.read('backends()', () => this.source.backends(), []);
    return this.backendList;
  }

  backend(id: string): PoolBackendSummary | undefined {
    return this.backends().find((b) => b.id === id);
  }

  metrics(): ManagerMetrics | undefined {
    if (this.metricsValue === undefined)
      this.metricsValue = this.read<ManagerMetrics | null>(
        'getMetrics()',
        () => this.source.getMetrics(),
        null,
      );
    return this.metricsValue ?? undefined;
  }

  experiments(): ExperimentReport[] {
    this.reports ??= this.read(
      'experimentReport()',
      () =>
        this.source.runningExperiments().flatMap((name) => {
          const report = this.source.experimentReport(name);
          return report.ok ? [report.value] : [];
        }),
      [],
    );
    return this.reports;
  }

  private read<T>(what: string, fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch (e) {
      this.onError(what, thrownMessage(e));
      return fallback;
    }
  }
}
