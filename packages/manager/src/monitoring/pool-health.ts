import { type BackendError, type BackendHealth, type BackendResult, type HealthStatus } from '@vth/core';
import { type Clock, type ManagerEvents } from '../context/manager-context';
import { type BackendPool } from '../pool/backend-pool';
import { MAIN_GROUP } from '../pool/member-group';
import { type ManagedSession, type Member } from '../sessions/managed-session';
import { type BackendHealthSnapshot } from '../health/backend-health';

export interface PoolHealthContext {
  pool: BackendPool<ManagedSession>;
  events: ManagerEvents;
  clock: Clock;
  ready: () => boolean;
  /** Named in `getHealth().details`. */
  strategyName: string;
  /** An ejected member is probed again once its ejection time is over, in `delayMs`. */
  probeAfter: (member: Member, delayMs: number) => void;
}

/**
 * The pool's health as the manager's listeners see it: records what calls and probes say of each member,
 * applies the pool's verdicts (ejections within the cap, recoveries) as events, and reports each
 * member's status and the manager's own when they change.
 *
 * @example
 * ```ts
 * health.failed(member, error); // may eject it: `backend-ejected`, and a probe once its ejection ends
 * const now = health.status();  // healthy | degraded | unhealthy, with each backend's snapshot
 * ```
 */
export class PoolHealth {
  private lastStatus: HealthStatus = 'healthy';
  /** Last status of each member reported to `backend-health-changed` listeners. */
  private readonly reported = new WeakMap<Member, HealthStatus>();
  /** When each member was last ejected (for the recovery event's duration). */
  private readonly ejectedAt = new WeakMap<Member, number>();

  constructor(private readonly ctx: PoolHealthContext) {}

  /** A call that worked (`latencyMs` only for what measures the backend itself: session starts). */
  succeeded(member: Member, latencyMs?: number): void {
    member.tracker.recordCall(true, latencyMs, this.ctx.clock.now());
  }

  /** An infrastructure failure of `member`: counts against it, and may eject it. */
  failed(member: Member, error: BackendError): void {
    member.tracker.recordCall(false, 0, this.ctx.clock.now(), `${error.code}: ${error.message}`);
    this.evaluate();
  }

  /** Its backend could not be created: out of rotation at once. */
  startFailed(member: Member, reason: string): void {
    if (member.tracker.eject(this.ctx.clock.now(), reason)) this.ejected(member, reason);
  }

  /** An active probe's outcome; a recovery is reported here (probes are what bring a member back). */
  probed(member: Member, outcome: BackendResult<void>, latencyMs: number): void {
    const t = this.ctx.clock.now();
    const error = outcome.ok ? undefined : outcome.error.message;
    if (member.tracker.recordProbe(outcome.ok, latencyMs, t, error)) {
      this.ctx.events.emit('backend-recovered', {
        backendId: member.id,
        outMs: t - (this.ejectedAt.get(member) ?? t),
      });
      this.ejectedAt.delete(member);
    }
    this.evaluate();
  }

  /** Applies the pool's verdicts: ejections (within the cap) as events; then reports statuses. */
  evaluate(): void {
    const t = this.ctx.clock.now();
    const changes = this.ctx.pool.allGroups().flatMap((g) => g.pool.evaluate(t));
    for (const change of changes) {
      const member = this.ctx.pool.get(change.id);
      if (!member) continue;
      // Recoveries happen in probes, which report them.
      if (change.event === 'ejected') this.ejected(member, change.reason);
    }
    this.report();
  }

  /**
   * The manager's health: `healthy` when every backend is in rotation and healthy, `degraded` when some are
   * not but sessions can still be placed (in panic mode too), `unhealthy` when none can take one.
   */
  status(): BackendHealth {
    const t = this.ctx.clock.now();
    const backends: Record<string, BackendHealthSnapshot & { type: string; running: boolean }> = {};
    let usable = 0;
    let allHealthy = true;
    const eligible = new Set<string>();
    for (const g of this.ctx.pool.allGroups()) for (const id of g.pool.eligible(t).ids) eligible.add(id);
    const panic = this.ctx.pool.main.pool.eligible(t).panic;
    for (const m of this.ctx.pool.all()) {
      const snapshot = m.tracker.snapshot(t);
      backends[m.id] = { ...snapshot, type: m.type, running: m.backend !== undefined };
      if (m.backend && !m.draining && m.group.id === MAIN_GROUP && eligible.has(m.id)) usable++;
      if (!m.backend || snapshot.status !== 'healthy') allHealthy = false;
    }
    const status: HealthStatus = usable === 0 ? 'unhealthy' : allHealthy && !panic ? 'healthy' : 'degraded';
    const out = Object.entries(backends)
      .filter(([, b]) => b.status !== 'healthy' || !b.running)
      .map(
        ([id, b]) =>
          `${id}: ${b.ejected ? `ejected (${b.ejectionReason ?? 'failing'})` : !b.running ? 'not running' : b.status}`,
      );
    return {
      status,
      ...(out.length > 0 ? { message: out.join('; ') } : {}),
      checkedAt: t,
      details: { backends, panic, strategy: this.ctx.strategyName, usable },
    };
  }

  /** Emits `backend-health-changed` for each member whose status changed, and `health-changed` for the manager. */
  report(): void {
    if (!this.ctx.ready()) return;
    const current = this.status();
    for (const m of this.ctx.pool.all()) {
      const t = this.ctx.clock.now();
      const status = m.backend ? m.tracker.status(t) : 'unhealthy';
      const previous = this.reported.get(m) ?? 'healthy';
      if (status === previous) continue;
      this.reported.set(m, status);
      this.ctx.events.emit('backend-health-changed', {
        backendId: m.id,
        previous,
        current: { status, checkedAt: current.checkedAt, details: { ...m.tracker.snapshot(t) } },
      });
    }
    if (current.status === this.lastStatus) return;
    const previous = this.lastStatus;
    this.lastStatus = current.status;
    this.ctx.events.emit('health-changed', { previous, current });
  }

  private ejected(member: Member, reason: string): void {
    const t = this.ctx.clock.now();
    this.ejectedAt.set(member, t);
    const until = member.tracker.ejectedUntil ?? t;
    this.ctx.events.emit('backend-ejected', {
      backendId: member.id,
      reason,
      ejectionMs: Math.max(0, until - t),
      ejections: member.tracker.ejections,
    });
    this.ctx.probeAfter(member, Math.max(0, until - t));
  }
}
