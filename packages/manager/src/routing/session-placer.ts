import {
  BackendError,
  fail,
  ok,
  type BackendResult,
  type CreateSessionOptions,
  type ExecutionContext,
  type SessionInfo,
} from '@vth/core';
import { type BackendView, type SelectionStrategy } from '../backend-view';
import { type Clock, type ManagerEvents } from '../context/manager-context';
import { type Assignment } from '../experiments/experiment-set';
import { isDeadBackend, isInfrastructureFailure } from '../failure-kinds';
import { type PoolHealth } from '../monitoring/pool-health';
import { type BackendPool } from '../pool/backend-pool';
import { breakerState, type CircuitGuard } from '../pool/circuit-breaker';
import { type MemberGroup } from '../pool/member-group';
import { type ManagedSession, type Member } from '../sessions/managed-session';
import { type RetryRunner } from './retry-runner';

/** Where a new session may go: groups in order of preference, a backend to try first, backends to avoid. */
export interface Placement {
  groups: MemberGroup[];
  prefer?: Member | undefined;
  avoid?: ReadonlySet<Member>;
}

/** A session opened on a member, as its backend describes it. */
export interface Placed {
  member: Member;
  info: SessionInfo;
}

export interface SessionPlacerContext {
  pool: BackendPool<ManagedSession>;
  strategy: SelectionStrategy;
  /** Uniform in [0, 1), for strategies that draw. */
  random: () => number;
  clock: Clock;
  events: ManagerEvents;
  guard: CircuitGuard<Member>;
  health: PoolHealth;
  retries: RetryRunner;
}

/**
 * Opens sessions: the strategy picks a backend among those in rotation (all of them while the pool panics),
 * group by group (an experiment variant's, then the main pool); a backend that fails for a reason of its
 * own is recorded and the next one tried (a dead one rebuilt and tried once more); after a full round,
 * the retry policy waits and starts over.
 *
 * @example
 * ```ts
 * const placed = await placer.open(() => ({ sessionId: id }), context, userId, { groups: placer.groupsFor(assignment) });
 * ```
 */
export class SessionPlacer {
  constructor(private readonly ctx: SessionPlacerContext) {}

  /** A session's groups, in order: its variant's (when it is in an experiment), then the main pool. */
  groupsFor(assignment: Assignment | undefined): MemberGroup[] {
    const variant = assignment ? this.ctx.pool.group(assignment.variant.group) : undefined;
    return variant ? [variant, this.ctx.pool.main] : [this.ctx.pool.main];
  }

  /** Opens a session on a backend of `placement` with the options `options(member)` gives. */
  open(
    options: (member: Member) => CreateSessionOptions,
    context: ExecutionContext | undefined,
    key: string,
    placement: Placement,
  ): Promise<BackendResult<Placed>> {
    return this.ctx.retries.run(() => this.round(options, context, key, placement));
  }

  /** Tries every backend of the placement once (a dead one twice, rebuilt in between). */
  private async round(
    options: (member: Member) => CreateSessionOptions,
    context: ExecutionContext | undefined,
    key: string,
    placement: Placement,
  ): Promise<BackendResult<Placed>> {
    const reasons: string[] = [];
    const tried = new Set<Member>();
    const rebuilt = new Set<Member>();
    for (;;) {
      const member = this.pick(placement, tried, key);
      if (!member) break;
      tried.add(member);
      const backend = member.backend!;
      const started = performance.now();
      const created = await this.ctx.guard.call(member, () =>
        backend.createSession(options(member), context),
      );
      if (created.ok) {
        this.ctx.health.succeeded(member, performance.now() - started);
        return ok({ member, info: created.value });
      }
      const error = created.error.withBackendId(member.id);
      if (!isInfrastructureFailure(error.code) || error.dispatched) return fail(error);
      this.ctx.health.failed(member, error);
      reasons.push(`${member.id}: ${error.message}`);
      // A backend that lost everything (a tmux server that died) is replaced, then tried once more.
      if (
        !rebuilt.has(member) &&
        isDeadBackend(error) &&
        (await this.ctx.pool.needsRebuild(member)) &&
        (await this.ctx.pool.rebuild(member))
      ) {
        rebuilt.add(member);
        tried.delete(member);
      }
    }
    const why = reasons.length ? `: ${reasons.join('; ')}` : ' (none in rotation)';
    return fail('UNAVAILABLE', `no backend could take the session${why}`, {
      dispatched: false,
      details: { attempts: [...reasons] },
    });
  }

  private pick(placement: Placement, tried: ReadonlySet<Member>, key: string): Member | undefined {
    const prefer = placement.prefer;
    if (prefer && !tried.has(prefer) && this.selectable(prefer)) return prefer;
    const excluded = new Set([...tried, ...(placement.avoid ?? [])]);
    for (const group of placement.groups) {
      const m = this.select(group, excluded, key);
      if (m) return m;
    }
    // Avoided backends (the one a session just died on) are a last resort, not excluded.
    for (const group of placement.groups) {
      const m = this.select(group, tried, key);
      if (m) return m;
    }
    return undefined;
  }

  /** Could a new session go to this backend now? */
  private selectable(m: Member): boolean {
    return m.backend !== undefined && !m.draining && !m.tracker.ejected && breakerState(m.breaker) !== 'open';
  }

  /** The strategy's pick among `group`'s backends in rotation (all of them in panic), minus `exclude`. */
  private select(group: MemberGroup, exclude: ReadonlySet<Member>, key: string): Member | undefined {
    const t = this.ctx.clock.now();
    const candidates: BackendView[] = [];
    for (const id of group.pool.eligible(t).ids) {
      const m = this.ctx.pool.get(id);
      if (!m || !m.backend || m.draining || exclude.has(m) || breakerState(m.breaker) === 'open') continue;
      candidates.push(view(m, t));
    }
    if (candidates.length === 0) return undefined;
    const strategy = this.ctx.strategy;
    let chosen: BackendView | undefined;
    try {
      chosen = strategy.select(candidates, { key, random: this.ctx.random });
    } catch (e) {
      this.ctx.events.error(
        new BackendError('INTERNAL', `strategy "${strategy.name}" threw: ${String(e)}`, {
          dispatched: false,
          cause: e,
        }),
      );
      chosen = candidates[0];
    }
    // A strategy returns one of the candidates; anything else (a user strategy's bug) falls back to the first.
    const member = chosen ? this.ctx.pool.get(chosen.id) : undefined;
    return member && candidates.some((c) => c.id === member.id)
      ? member
      : this.ctx.pool.get(candidates[0]!.id);
  }
}

/** What a strategy sees of a member at `t`. */
function view(member: Member, t: number): BackendView {
  const health = member.tracker.snapshot(t);
  return {
    id: member.id,
    type: member.type,
    weight: member.spec.weight,
    effectiveWeight: member.spec.weight * health.slowStartFactor,
    activeSessions: member.sessions.size,
    latency: health.latency,
    errorRate: health.errorRate,
    consecutiveFailures: health.consecutiveFailures,
    status: health.status,
    ejected: health.ejected,
    order: member.order,
  };
}
