import { fail, ok, type BackendResult, type ITerminalBackend } from '@vth/core';
import { createId } from '@vth/core/kit';
import { isInfrastructureFailure } from '../failure-kinds';
import { type Clock } from '../context/manager-context';
import { withTimeout } from '../context/with-timeout';
import { probeContext, type ProbeConfig } from '../manager-config';
import { type BackendPool } from '../pool/backend-pool';
import { type CircuitGuard } from '../pool/circuit-breaker';
import { type ManagedSession, type Member } from '../sessions/managed-session';
import { type PoolHealth } from './pool-health';

/** What the prober keeps per member. */
interface ProbeState {
  timer: NodeJS.Timeout | undefined;
  /** The probe running now. */
  running: Promise<void> | undefined;
  /** The session probes run in, on the instance that created it (a rebuilt member needs a new one). */
  session: { backend: ITerminalBackend; id: string } | undefined;
}

export interface ProberContext {
  config: ProbeConfig;
  pool: BackendPool<ManagedSession>;
  health: PoolHealth;
  guard: CircuitGuard<Member>;
  clock: Clock;
  ready: () => boolean;
  shutDown: () => boolean;
}

/**
 * Active health checks: on an interval (with jitter), each member's `getHealth()`, then `probe.command` in
 * a probe session of its own, through its circuit breaker. Outcomes go to the pool's health; a member that
 * fails its probe with no session left and calls itself unhealthy is rebuilt from the factory.
 *
 * @example
 * ```ts
 * prober.schedule(member);          // next probe in one interval
 * await prober.probeAll();          // probeNow()
 * const verdict = await prober.check(replacement); // one probe, within the probe timeout
 * ```
 */
export class Prober {
  private readonly states = new Map<Member, ProbeState>();

  constructor(private readonly ctx: ProberContext) {}

  /** Probes `member` after `delayMs` (default: one interval, ±10 %). */
  schedule(member: Member, delayMs?: number): void {
    const probe = this.ctx.config;
    if (!probe.enabled || member.retired || this.ctx.shutDown()) return;
    const state = this.stateOf(member);
    clearTimeout(state.timer);
    // Jitter keeps the probes of a pool (and of many managers) from firing in lockstep.
    const wait = delayMs ?? probe.intervalMs * (0.9 + 0.2 * Math.random());
    state.timer = setTimeout(() => void this.probe(member), wait);
    state.timer.unref();
  }

  /** `member` left the pool: no more probes. */
  stop(member: Member): void {
    clearTimeout(this.states.get(member)?.timer);
    this.states.delete(member);
  }

  /** Runs one probe of `member` and acts on it (joins the one running, if any). */
  probe(member: Member): Promise<void> {
    if (member.retired || !this.ctx.ready()) return Promise.resolve();
    const state = this.stateOf(member);
    state.running ??= this.cycle(member, state).finally(() => (state.running = undefined));
    return state.running;
  }

  /** Probes every member now, and waits for them. */
  async probeAll(): Promise<void> {
    if (!this.ctx.ready()) return;
    await Promise.all(this.ctx.pool.all().map((m) => this.probe(m)));
  }

  /** The probes running now (shutdown waits for them). */
  inFlight(): Array<Promise<void>> {
    return [...this.states.values()].flatMap((s) => (s.running ? [s.running] : []));
  }

  /** One probe of `member` within the probe timeout, without recording it: a replacement's verification. */
  check(member: Member): Promise<BackendResult<void>> {
    return withTimeout(this.run(member, this.stateOf(member)), this.ctx.config.timeoutMs);
  }

  private stateOf(member: Member): ProbeState {
    let state = this.states.get(member);
    if (!state) {
      state = { timer: undefined, running: undefined, session: undefined };
      this.states.set(member, state);
    }
    return state;
  }

  private async cycle(member: Member, state: ProbeState): Promise<void> {
    try {
      const started = performance.now();
      const outcome = await withTimeout(this.run(member, state), this.ctx.config.timeoutMs);
      if (member.retired || !this.ctx.ready()) return;
      // A probe refused for the caller's reasons (the backend-wide rate limit while it is busy, a policy)
      // says nothing about the backend's health, as for any call (failure-kinds.ts).
      if (!outcome.ok && !isInfrastructureFailure(outcome.error.code)) return;
      this.ctx.health.probed(member, outcome, performance.now() - started);
      if (!outcome.ok && member.sessions.size === 0 && (await this.ctx.pool.needsRebuild(member))) {
        await this.ctx.pool.rebuild(member);
      }
    } finally {
      if (!member.retired && this.ctx.ready()) {
        const until = member.tracker.ejectedUntil;
        const interval = this.ctx.config.intervalMs;
        const now = this.ctx.clock.now();
        this.schedule(
          member,
          until !== undefined && until > now ? Math.min(interval, until - now) : undefined,
        );
      }
    }
  }

  private async run(member: Member, state: ProbeState): Promise<BackendResult<void>> {
    const probe = this.ctx.config;
    if (!member.backend && !(await this.ctx.pool.rebuild(member))) {
      return fail('UNAVAILABLE', `backend ${member.id} could not be started`, { dispatched: false });
    }
    const backend = member.backend!;
    const health = await backend.getHealth();
    if (health.status === 'unhealthy') {
      const why = health.message ? `: ${health.message}` : '';
      return fail('UNAVAILABLE', `backend ${member.id} reports itself unhealthy${why}`, {
        dispatched: false,
      });
    }
    if (state.session?.backend !== backend) {
      const created = await this.ctx.guard.call(member, () =>
        backend.createSession(
          { sessionId: createId('vth-probe'), labels: { 'vth.probe': 'true' } },
          probeContext(probe),
        ),
      );
      if (!created.ok) return created;
      state.session = { backend, id: created.value.id };
    }
    const sessionId = state.session.id;
    const ran = await this.ctx.guard.call(member, () =>
      backend.executeCommand(sessionId, probe.command, undefined, probeContext(probe)),
    );
    if (!ran.ok) {
      if (ran.error.code === 'SESSION_NOT_FOUND' || ran.error.code === 'BACKEND_CRASHED')
        state.session = undefined;
      return ran;
    }
    if (ran.value.status !== 'completed' || ran.value.exitCode !== 0) {
      if (ran.value.status !== 'completed') {
        // A probe shell stuck in a command is of no further use.
        void backend.destroySession(sessionId);
        state.session = undefined;
      }
      return fail(
        'UNAVAILABLE',
        `probe "${probe.command}" on ${member.id} ended ${ran.value.status} with exit code ${ran.value.exitCode}`,
        { dispatched: false },
      );
    }
    return ok();
  }
}
