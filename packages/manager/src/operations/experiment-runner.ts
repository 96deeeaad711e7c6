import { fail, ok, type BackendResult } from '@vth/core';
import { parseInput } from '@vth/core/kit';
import { z } from 'zod';
import { experimentSpecSchema, weightsSchema, type ExperimentSpec } from '../experiment-config';
import { drainMember } from './drain';
import { type OperationContext } from './operation-context';
import { assignIds } from '../pool/backend-ids';
import { variantGroupId } from '../pool/member-group';
import { type Member } from '../sessions/managed-session';
import { ExperimentSet, type Assignment, type ExperimentReport } from '../experiments/experiment-set';

/** What `updateExperiment` accepts. */
const experimentUpdateSchema = z.strictObject({
  weights: weightsSchema.optional(),
  traffic: z.number().min(0).max(1).optional(),
});

/**
 * Runs the manager's A/B experiments: creates each variant's backends (in groups of their own), says which
 * variant a new session joins, changes weights and traffic, and stops experiments: their backends take no
 * new sessions and shut down once their sessions are gone (or moved to the main pool).
 *
 * @example
 * ```ts
 * const started = await runner.launch(spec);
 * const assignment = runner.assign(userId, 'voice'); // a variant, or undefined: the main pool
 * ```
 */
export class ExperimentRunner {
  private readonly experiments = new ExperimentSet();

  constructor(private readonly ctx: OperationContext) {}

  /** The variant a new session of `key` joins, if an experiment takes it. */
  assign(key: string, source: string | undefined): Assignment | undefined {
    return this.experiments.assign(key, source);
  }

  /** The running experiments, in the order they are consulted. */
  names(): string[] {
    return this.experiments.names();
  }

  /** An experiment's figures so far (running or stopped). */
  report(name: string): ExperimentReport | undefined {
    return this.experiments.report(name, (group) =>
      this.ctx.pool
        .all()
        .filter((m) => m.group.id === group && !m.retired)
        .map((m) => m.id),
    );
  }

  async start(spec: unknown): Promise<BackendResult<ExperimentReport>> {
    const ready = this.ctx.readiness.check();
    if (!ready.ok) return ready;
    const parsed = parseInput(experimentSpecSchema, spec, 'experiment');
    if (!parsed.ok) return parsed;
    const launched = await this.launch(parsed.value);
    if (!launched.ok) return launched;
    return ok(this.report(parsed.value.name)!);
  }

  /** Creates the variants' backends and starts assigning; all or nothing. */
  async launch(spec: ExperimentSpec): Promise<BackendResult<void>> {
    const { pool } = this.ctx;
    if (this.experiments.has(spec.name) || pool.hasExperiment(spec.name)) {
      return fail('INVALID_INPUT', `an experiment named "${spec.name}" is already running`, {
        dispatched: false,
      });
    }
    const unknown = spec.variants.flatMap((v) => v.backends).filter((b) => !this.ctx.plugins.has(b.type));
    if (unknown.length > 0) {
      return fail(
        'INVALID_INPUT',
        `experiment "${spec.name}": unknown backend type ${unknown.map((b) => `"${b.type}"`).join(', ')}`,
        { dispatched: false },
      );
    }
    const created: Member[] = [];
    for (const variant of spec.variants) {
      const groupId = variantGroupId(spec.name, variant.name);
      const group = pool.addGroup(groupId, { experiment: spec.name, variant: variant.name });
      const ids = assignIds(variant.backends, pool.ids(), `${groupId}.`);
      variant.backends.forEach((b, i) => created.push(pool.add(ids[i]!, b, group)));
    }
    const results = await Promise.all(created.map((m) => pool.start(m)));
    const dead = spec.variants.filter(
      (v) => !created.some((m, i) => m.group.variant === v.name && results[i]!.ok),
    );
    if (dead.length > 0 || !this.ctx.readiness.ready) {
      await Promise.all(created.map((m) => pool.retire(m)));
      for (const v of spec.variants) pool.dropGroupIfEmpty(pool.group(variantGroupId(spec.name, v.name))!);
      const reasons = results.flatMap((r, i) => (r.ok ? [] : [`${created[i]!.id}: ${r.error.message}`]));
      return fail(
        'UNAVAILABLE',
        `experiment "${spec.name}" could not start: no backend of variant ${dead.map((v) => `"${v.name}"`).join(', ')} came up (${reasons.join('; ')})`,
        { dispatched: false },
      );
    }
    this.experiments.start(spec, (variant) => variantGroupId(spec.name, variant));
    for (const m of created) this.ctx.prober.schedule(m);
    this.ctx.events.emit('experiment-started', {
      name: spec.name,
      variants: spec.variants.map((v) => v.name),
    });
    return ok();
  }

  update(name: string, change: unknown): BackendResult<ExperimentReport> {
    const ready = this.ctx.readiness.check();
    if (!ready.ok) return ready;
    const checked = parseInput(experimentUpdateSchema, change, 'change');
    if (!checked.ok) return checked;
    if (!this.experiments.has(name)) return noRunningExperiment(name);
    if (checked.value.weights) {
      const set = this.experiments.setWeights(name, checked.value.weights);
      if (!set.ok) return set;
    }
    if (checked.value.traffic !== undefined) this.experiments.setTraffic(name, checked.value.traffic);
    const report = this.report(name)!;
    this.ctx.events.emit('experiment-updated', {
      name,
      traffic: report.traffic,
      weights: Object.fromEntries(report.variants.map((v) => [v.name, v.weight])),
    });
    return ok(report);
  }

  /**
   * Stops assigning sessions to `name`. Its backends take no new sessions and retire once their sessions are
   * gone; with `moveSessions` those sessions move to the main pool now, as in a drain.
   */
  async stop(
    name: string,
    options: { moveSessions?: boolean; drainTimeoutMs?: number },
  ): Promise<BackendResult<ExperimentReport>> {
    const ready = this.ctx.readiness.check();
    if (!ready.ok) return ready;
    if (!this.experiments.stop(name)) return noRunningExperiment(name);
    const report = this.report(name)!;
    const members = this.ctx.pool.all().filter((m) => m.group.experiment === name);
    // Left to end where they are, unless moved below.
    for (const m of members) m.beginDrain({ mode: 'finish', reason: 'experiment-stopped' });
    if (options.moveSessions) {
      const timeoutMs = options.drainTimeoutMs ?? 30_000;
      await Promise.all(
        members.map(async (m) => {
          await drainMember(m, { timeoutMs, mode: 'move', reason: 'experiment-stopped' }, this.ctx.mover);
          await this.retire(m);
        }),
      );
    } else {
      for (const m of members) this.retireWhenEmpty(m);
    }
    this.ctx.events.emit('experiment-stopped', report);
    return ok(report);
  }

  /** Retires `m` once no session is pinned to it (now, if none is). */
  private retireWhenEmpty(m: Member): void {
    if (m.sessions.size === 0) {
      void this.retire(m);
      return;
    }
    const stopWatching = m.whenSessionLeaves(() => {
      if (m.sessions.size > 0) return;
      stopWatching();
      void this.retire(m);
    });
  }

  private async retire(m: Member): Promise<void> {
    await this.ctx.pool.retire(m);
    this.ctx.pool.dropGroupIfEmpty(m.group);
  }
}

function noRunningExperiment(name: unknown): BackendResult<never> {
  return fail('INVALID_INPUT', `no running experiment "${String(name)}"`, { dispatched: false });
}
