import {
  fail,
  ok,
  type BackendCapabilities,
  type BackendPlugin,
  type BackendResult,
  type ITerminalBackend,
} from '@vth/core';
import { type BackendSpec } from '../backend-spec';
import { type ManagerConfig } from '../manager-config';
import { type BackendInstances } from './backend-instances';
import { newBreaker } from './circuit-breaker';
import { MAIN_GROUP, newGroup, type MemberGroup } from './member-group';
import { commonCapabilities } from './pool-capabilities';
import { type Lease, type PinnedSession, PoolMember } from './pool-member';

/** What a call naming a backend that is not in the pool answers. */
export function noSuchBackend(id: unknown): BackendResult<never> {
  return fail('INVALID_INPUT', `no backend "${String(id)}" in the pool`, { dispatched: false });
}

/** What the pool tells the rest of the manager about its members. */
export interface PoolHooks<S extends PinnedSession> {
  /** A member got a new instance: relay its events; returns what stops relaying them. */
  attach(member: PoolMember<S>, backend: ITerminalBackend): () => void;
  /** A member's backend could not be created: it is out of rotation until probes bring it back. */
  startFailed(member: PoolMember<S>, reason: string): void;
  /** A member left the pool (retired, or never started): nothing may probe it any more. */
  left(member: PoolMember<S>): void;
}

export interface BackendPoolContext<S extends PinnedSession> {
  config: Pick<ManagerConfig, 'health' | 'circuitBreaker'>;
  instances: BackendInstances;
  /** False once the manager is shutting down: a rebuilt instance is then refused. */
  ready: () => boolean;
  pluginOf: (type: string) => Pick<BackendPlugin, 'capabilities'> | undefined;
  hooks: PoolHooks<S>;
}

/**
 * The manager's backends: its members, in groups (the main pool, each experiment variant's), how they are
 * created, started, rebuilt and retired, and what all of them can do (their capabilities, cached here
 * and recomputed whenever a member joins or leaves).
 *
 * @example
 * ```ts
 * const member = pool.add('tmux', spec, pool.main);
 * const started = await pool.start(member);
 * if (!started.ok) console.warn(started.error.message); // out of rotation; probes retry it
 * await pool.retire(member);
 * ```
 */
export class BackendPool<S extends PinnedSession> {
  private readonly members = new Map<string, PoolMember<S>>();
  private readonly groups = new Map<string, MemberGroup>();
  /** One replacement instance at a time per member. */
  private readonly rebuilding = new Map<PoolMember<S>, Promise<boolean>>();
  private nextOrder = 0;
  private caps: BackendCapabilities | undefined;

  constructor(private readonly ctx: BackendPoolContext<S>) {
    this.groups.set(MAIN_GROUP, newGroup(MAIN_GROUP, ctx.config.health));
  }

  /** The group of the configuration's `backends`. */
  get main(): MemberGroup {
    return this.groups.get(MAIN_GROUP)!;
  }

  group(id: string): MemberGroup | undefined {
    return this.groups.get(id);
  }

  allGroups(): MemberGroup[] {
    return [...this.groups.values()];
  }

  /** A new group of an experiment's variant. */
  addGroup(id: string, variant: { experiment: string; variant: string }): MemberGroup {
    const group = newGroup(id, this.ctx.config.health, variant);
    this.groups.set(id, group);
    return group;
  }

  /** Forgets a variant's group once none of its members is left. */
  dropGroupIfEmpty(group: MemberGroup): void {
    if (group.id === MAIN_GROUP) return;
    if (this.all().some((m) => m.group === group)) return;
    this.groups.delete(group.id);
  }

  hasExperiment(name: string): boolean {
    return this.allGroups().some((g) => g.experiment === name);
  }

  get(id: string): PoolMember<S> | undefined {
    return this.members.get(id);
  }

  /** Every member, in the order it joined. */
  all(): PoolMember<S>[] {
    return [...this.members.values()];
  }

  /** Every member, in pool order. */
  inOrder(): PoolMember<S>[] {
    return this.all().sort((a, b) => a.order - b.order);
  }

  ids(): Set<string> {
    return new Set(this.members.keys());
  }

  /**
   * What every session can count on whichever member it lands on (see `commonCapabilities`); computed
   * once per change of membership.
   */
  get capabilities(): BackendCapabilities {
    this.caps ??= commonCapabilities(
      this.all().map((m) => m.type),
      this.ctx.pluginOf,
    );
    return this.caps;
  }

  /** A new member of `group`, not started yet (`order`: a replacement takes the place of the one it replaces). */
  add(id: string, spec: BackendSpec, group: MemberGroup, order?: number): PoolMember<S> {
    const breaker = this.ctx.config.circuitBreaker;
    const member = new PoolMember<S>({
      id,
      spec,
      group,
      order: order ?? this.nextOrder++,
      tracker: group.pool.add(id),
      newBreaker: () => newBreaker(breaker.consecutiveFailures, breaker.halfOpenAfterMs),
    });
    this.members.set(id, member);
    this.caps = undefined;
    return member;
  }

  /** The member `id`, leased for `what`, if it is in the pool and nothing else is being done to it. */
  claim(id: string, what: string): BackendResult<{ member: PoolMember<S>; lease: Lease }> {
    const member = typeof id === 'string' ? this.members.get(id) : undefined;
    if (!member || member.retired) return noSuchBackend(id);
    const lease = member.lease(what);
    return lease.ok ? ok({ member, lease: lease.value }) : lease;
  }

  /** Creates the member's backend; a failure leaves it out of rotation, for probes to retry. */
  async start(member: PoolMember<S>): Promise<BackendResult<void>> {
    const created = await this.ctx.instances.createBackend(member.spec, member.id, (backend) => {
      if (member.retired) return false;
      member.adopt(backend, this.ctx.hooks.attach(member, backend));
      return true;
    });
    if (created === undefined || (created.ok && member.backend !== created.value)) {
      return fail('UNAVAILABLE', `backend ${member.id} was removed while it started`, { dispatched: false });
    }
    if (!created.ok) {
      this.ctx.hooks.startFailed(member, `it could not be started: ${created.error.message}`);
      return fail(created.error.withBackendId(member.id));
    }
    return ok();
  }

  /** Takes a member out of the pool for good and shuts its backend down (its sessions end with it). */
  async retire(member: PoolMember<S>): Promise<void> {
    const backend = member.retire();
    this.forget(member);
    await this.ctx.instances.closeBackend(backend);
  }

  /** Takes a member that never started out of the pool. */
  forget(member: PoolMember<S>): void {
    this.ctx.hooks.left(member);
    if (this.members.get(member.id) === member) {
      this.members.delete(member.id);
      this.caps = undefined;
    }
    member.group.pool.remove(member.id);
  }

  /** A swap's replacement takes the id of the backend it replaced. */
  rename(member: PoolMember<S>, id: string): void {
    this.members.delete(member.id);
    member.group.pool.remove(member.id);
    member.rename(id, member.group.pool.add(id));
    this.members.set(id, member);
  }

  /** Only a new instance helps a backend that is gone or calls itself unhealthy. */
  async needsRebuild(member: PoolMember<S>): Promise<boolean> {
    if (!member.backend) return true;
    try {
      return (await member.backend.getHealth()).status === 'unhealthy';
    } catch {
      return true;
    }
  }

  /**
   * Replaces a backend that cannot serve any more (a tmux server that died, an instance that never
   * started) with a fresh one from the factory; only while no session is pinned to it. Joins the
   * rebuild in progress, if any. True when the member has the new instance.
   */
  rebuild(member: PoolMember<S>): Promise<boolean> {
    let running = this.rebuilding.get(member);
    if (!running) {
      running = this.replaceInstance(member).finally(() => this.rebuilding.delete(member));
      this.rebuilding.set(member, running);
    }
    return running;
  }

  private async replaceInstance(member: PoolMember<S>): Promise<boolean> {
    if (member.sessions.size > 0 || member.retired) return false;
    const created = await this.ctx.instances.createBackend(member.spec, member.id, (backend) => {
      // A session that landed on the old instance meanwhile would be stranded by the swap.
      if (member.retired || !this.ctx.ready() || member.sessions.size > 0) return false;
      const old = member.adopt(backend, this.ctx.hooks.attach(member, backend));
      void this.ctx.instances.closeBackend(old);
      return true;
    });
    return created?.ok === true && member.backend === created.value;
  }
}
