import { fail, ok, type BackendResult, type CommandExecution } from '@vth/core';
import { type ExperimentSpec } from '../experiment-config';
import { assignVariant, inTraffic } from './assignment';
import { compareExperiment, type CompareOptions, type VariantComparison } from './compare';
import { VariantStats, type VariantStatsSnapshot } from './variant-stats';

/** One arm of a running experiment: its weight now, its backends' group, its figures. */
export interface RunningVariant {
  readonly name: string;
  weight: number;
  /** The manager's member group its sessions are placed in. */
  readonly group: string;
  readonly stats: VariantStats;
}

export interface RunningExperiment {
  readonly name: string;
  traffic: number;
  readonly control: string;
  readonly sources: ReadonlySet<string> | undefined;
  readonly variants: RunningVariant[];
  readonly startedAt: number;
  stoppedAt: number | undefined;
}

/** Where a new session goes: an experiment's variant. */
export interface Assignment {
  experiment: RunningExperiment;
  variant: RunningVariant;
}

/** An experiment's figures and verdicts, as `experimentReport` returns them. */
export interface ExperimentReport {
  /** The experiment's name. */
  name: string;
  /** `false` once `stopExperiment` was called: the figures are final. */
  running: boolean;
  /** The share of users (0..1) that take part. */
  traffic: number;
  /** The variant the others are compared with. */
  control: string;
  /** When it started, ms since the epoch. */
  startedAt: number;
  /** When it stopped, ms since the epoch; absent while it runs. */
  stoppedAt?: number;
  /** Each variant, in the order of the spec: its weight now, its backends, and its figures so far. */
  variants: Array<
    {
      /** The variant's name. */
      name: string;
      /** Its weight now. */
      weight: number;
      /** weight / sum of weights */
      share: number;
      /** The ids of its backends in the pool now. */
      backends: string[];
    } & VariantStatsSnapshot
  >;
  /** Every other variant against the control (Bonferroni-corrected). */
  comparisons: VariantComparison[];
}

/**
 * The experiments of a manager: which variant a user is in (a stable hash: no shared state, the same
 * answer on every machine), their weights and traffic as they change, and their figures. Experiments are
 * consulted in the order they started; the first whose sources and traffic include a session takes it.
 *
 * @example
 * ```ts
 * const set = new ExperimentSet();
 * set.start(spec, (variant) => `exp.${spec.name}.${variant}`);
 * const where = set.assign('user-42', 'voice'); // { experiment, variant } or undefined: the main pool
 * ```
 */
export class ExperimentSet {
  private readonly running = new Map<string, RunningExperiment>();
  private readonly stopped = new Map<string, RunningExperiment>();

  has(name: string): boolean {
    return this.running.has(name);
  }

  get(name: string): RunningExperiment | undefined {
    return this.running.get(name) ?? this.stopped.get(name);
  }

  /** Names of the running experiments, in the order they are consulted. */
  names(): string[] {
    return [...this.running.keys()];
  }

  start(spec: ExperimentSpec, groupOf: (variant: string) => string): RunningExperiment {
    const experiment: RunningExperiment = {
      name: spec.name,
      traffic: spec.traffic,
      control: spec.control ?? spec.variants[0]!.name,
      sources: spec.sources ? new Set(spec.sources) : undefined,
      variants: spec.variants.map((v) => ({
        name: v.name,
        weight: v.weight,
        group: groupOf(v.name),
        stats: new VariantStats(),
      })),
      startedAt: Date.now(),
      stoppedAt: undefined,
    };
    this.stopped.delete(spec.name);
    this.running.set(spec.name, experiment);
    return experiment;
  }

  /** The variant a new session of `key` joins, or `undefined` (no experiment takes it: the main pool). */
  assign(key: string, source: string | undefined): Assignment | undefined {
    for (const experiment of this.running.values()) {
      if (experiment.sources && (source === undefined || !experiment.sources.has(source))) continue;
      if (!inTraffic(experiment.name, key, experiment.traffic)) continue;
      const name = assignVariant(experiment.name, key, experiment.variants);
      const variant = experiment.variants.find((v) => v.name === name);
      if (variant) return { experiment, variant };
    }
    return undefined;
  }

  /** New weights for some variants; refuses (nothing changed) unknown names or all weights at 0. */
  setWeights(name: string, weights: Record<string, number>): BackendResult<void> {
    const experiment = this.running.get(name);
    if (!experiment) return fail('INVALID_INPUT', `no running experiment "${name}"`, { dispatched: false });
    const unknown = Object.keys(weights).filter((v) => !experiment.variants.some((x) => x.name === v));
    if (unknown.length > 0) {
      return fail(
        'INVALID_INPUT',
        `experiment "${name}" has no variant ${unknown.map((v) => `"${v}"`).join(', ')} (variants: ${experiment.variants.map((v) => v.name).join(', ')})`,
        { dispatched: false },
      );
    }
    const next = experiment.variants.map((v) => weights[v.name] ?? v.weight);
    if (next.every((w) => w === 0)) {
      return fail('INVALID_INPUT', `experiment "${name}": at least one variant needs a weight above 0`, {
        dispatched: false,
      });
    }
    experiment.variants.forEach((v, i) => (v.weight = next[i]!));
    return ok();
  }

  setTraffic(name: string, traffic: number): BackendResult<void> {
    const experiment = this.running.get(name);
    if (!experiment) return fail('INVALID_INPUT', `no running experiment "${name}"`, { dispatched: false });
    experiment.traffic = traffic;
    return ok();
  }

  /** Stops assigning sessions to it; its figures stay for `report`. */
  stop(name: string): RunningExperiment | undefined {
    const experiment = this.running.get(name);
    if (!experiment) return undefined;
    this.running.delete(name);
    experiment.stoppedAt = Date.now();
    this.stopped.set(name, experiment);
    return experiment;
  }

  report(
    name: string,
    backendsOf: (group: string) => string[],
    options?: CompareOptions,
  ): ExperimentReport | undefined {
    const experiment = this.get(name);
    if (!experiment) return undefined;
    const total = experiment.variants.reduce((sum, v) => sum + v.weight, 0);
    const arm = (v: RunningVariant) => {
      const s = v.stats.snapshot();
      return { name: v.name, commands: s.commands, errors: s.errors, latencies: v.stats.latencySample() };
    };
    const control = experiment.variants.find((v) => v.name === experiment.control)!;
    return {
      name,
      running: experiment.stoppedAt === undefined,
      traffic: experiment.traffic,
      control: experiment.control,
      startedAt: experiment.startedAt,
      ...(experiment.stoppedAt === undefined ? {} : { stoppedAt: experiment.stoppedAt }),
      variants: experiment.variants.map((v) => ({
        name: v.name,
        weight: v.weight,
        share: total === 0 ? 0 : v.weight / total,
        backends: backendsOf(v.group),
        ...v.stats.snapshot(),
      })),
      comparisons: compareExperiment(
        arm(control),
        experiment.variants.filter((v) => v !== control).map(arm),
        options,
      ),
    };
  }
}

/** Counts one call for the variant a session was assigned to: its executions (`lost` counts as failed), or `undefined` for an error. */
export function recordVariantCall(
  assignment: Assignment,
  executions: readonly CommandExecution[] | undefined,
): void {
  const stats = assignment.variant.stats;
  if (executions === undefined) {
    stats.commandFailed();
    return;
  }
  for (const e of executions) {
    if (e.status === 'lost') stats.commandFailed();
    else stats.commandSucceeded(e.durationMs);
  }
}
