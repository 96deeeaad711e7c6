import { BackendError, fail, ok, type BackendResult, type CreateSessionOptions } from '@vth/core';
import { createId } from '@vth/core/kit';
import { type ManagerEvents } from '../context/manager-context';
import { withTimeout } from '../context/with-timeout';
import { isInfrastructureFailure } from '../failure-kinds';
import { type PoolHealth } from '../monitoring/pool-health';
import { type ManagerConfig } from '../manager-config';
import { type ManagerCounters } from '../metrics/manager-counters';
import { type Placed, type SessionPlacer } from '../routing/session-placer';
import { type ManagedSession, type Member } from '../sessions/managed-session';
import { type SessionTable } from '../sessions/session-table';
import { type FailoverBatches } from './failover-batches';

export interface SessionMigratorContext {
  config: ManagerConfig['failover'];
  ready: () => boolean;
  sessions: SessionTable;
  placer: SessionPlacer;
  health: PoolHealth;
  events: ManagerEvents;
  counters: ManagerCounters;
  failovers: FailoverBatches;
}

/**
 * Moves sessions between backends: when their backend lost them (a crash, a lost connection, an open
 * circuit) and when it is emptied (drain, removal, hot swap, stopped experiment). A session is re-created
 * elsewhere with its id, working directory and environment; calls waiting on it follow once the move
 * ends. One that cannot be re-created anywhere ends, and later calls answer why.
 *
 * @example
 * ```ts
 * migrator.sessionLost(s, `its shell on ${member.id} crashed`, 'crashed'); // s.move settles when it lands
 * ```
 */
export class SessionMigrator {
  constructor(private readonly ctx: SessionMigratorContext) {}

  /** `s`'s backend lost it (or lets it go, `reason` says why): re-create it elsewhere. */
  sessionLost(s: ManagedSession, why: string, reason: string): void {
    if (s.state !== 'live') return;
    const from = s.member;
    s.unpin();
    if (reason === 'crashed') {
      this.ctx.health.failed(from, new BackendError('BACKEND_CRASHED', why, { backendId: from.id }));
    }
    this.ctx.failovers.note(from, why, s.id);
    if (!this.ctx.config.enabled || !this.ctx.ready()) {
      this.ctx.sessions.forget(s);
      this.ctx.events.emit('session-closed', { sessionId: s.id, reason: 'crashed' });
      return;
    }
    // The old shell may still be there (a broken circuit, a removal): it must not live on unseen.
    if (from.backend) void from.backend.destroySession(s.innerId);
    s.beginMove(() => this.move(s, from, why, reason));
  }

  /** Every session of `member` leaves it. */
  evacuate(member: Member, why: string, reason: string): void {
    for (const s of [...member.sessions]) this.sessionLost(s, why, reason);
  }

  /** A session with nothing running leaves a backend that is draining by moving its sessions. */
  releaseIfDraining(s: ManagedSession): void {
    const drain = s.member.drain;
    if (s.state === 'live' && drain?.mode === 'move') {
      this.sessionLost(s, `backend ${s.member.id} is draining`, drain.reason);
    }
  }

  private async move(
    s: ManagedSession,
    from: Member,
    why: string,
    reason: string,
  ): Promise<BackendResult<void>> {
    const started = performance.now();
    const snapshot = s.environment.snapshot();
    const size = s.cols !== undefined && s.rows !== undefined ? { cols: s.cols, rows: s.rows } : {};
    const labels = s.options.labels ? { labels: s.options.labels } : {};
    const cwd = s.cwd;
    let usedCwd = cwd;
    let opened = await this.openWithin(
      () => ({
        ...s.options,
        ...size,
        env: snapshot.env,
        ...(cwd === undefined ? {} : { cwd }),
        sessionId: s.id,
      }),
      s,
      from,
    );
    if (!opened.ok && !isInfrastructureFailure(opened.error.code) && this.ctx.ready()) {
      // The other backend refused the old session's id, working directory or shell (a container's /workspace
      // on the host): start with its defaults rather than not at all.
      usedCwd = undefined;
      opened = await this.openWithin(
        () => ({ ...size, ...labels, env: snapshot.env, sessionId: createId('s') }),
        s,
        from,
      );
    }
    if (!opened.ok || !this.ctx.ready() || s.state !== 'moving') return this.giveUp(s, from, why, opened);
    const { member, info } = opened.value;
    s.arrive(member, info);
    const untracked = [...snapshot.untracked];
    if (snapshot.script !== undefined && member.backend) {
      const restored = await member.backend.executeCommand(info.id, snapshot.script, undefined, {
        timeoutMs: 10_000,
      });
      if (!restored.ok || restored.value.exitCode !== 0)
        untracked.push('(the variables that could not be passed as env)');
    }
    if (s.state !== 'moving') return s.ended();
    s.settle(usedCwd ?? info.cwd);
    this.ctx.counters.migrated();
    if (reason === 'crashed') s.assignment?.variant.stats.failover();
    this.ctx.events.emit('session-migrated', {
      sessionId: s.id,
      from: from.id,
      to: member.id,
      ...(usedCwd === undefined ? {} : { cwd: usedCwd }),
      untracked,
      durationMs: performance.now() - started,
      reason,
    });
    return ok();
  }

  /** The move failed (or the manager shut down meanwhile): the session ends, and says why to later calls. */
  private async giveUp(
    s: ManagedSession,
    from: Member,
    why: string,
    opened: BackendResult<Placed>,
  ): Promise<BackendResult<void>> {
    if (opened.ok) await opened.value.member.backend?.destroySession(opened.value.info.id);
    const cause = opened.ok
      ? new BackendError('NOT_INITIALIZED', 'the manager was shut down during the move', {
          dispatched: false,
        })
      : opened.error;
    const error = new BackendError(
      'SESSION_NOT_FOUND',
      `session ${s.id} was lost (${why}) and could not be re-created: ${cause.message}`,
      { dispatched: false, backendId: from.id, details: { cause: cause.toJSON() } },
    );
    s.lostError = error;
    this.ctx.sessions.rememberLost(s.id, error);
    const wasOpen = s.state === 'moving';
    this.ctx.sessions.forget(s);
    if (wasOpen && this.ctx.ready()) {
      this.ctx.counters.migrationFailed();
      this.ctx.events.emit('session-migration-failed', { sessionId: s.id, from: from.id, error });
      this.ctx.events.emit('session-closed', { sessionId: s.id, reason: 'crashed' });
    }
    return fail(error);
  }

  /**
   * Opens the session's new home within `failover.timeoutMs`. A session that opens after the deadline is
   * closed at once: nothing would ever use it.
   */
  private async openWithin(
    options: (member: Member) => CreateSessionOptions,
    s: ManagedSession,
    from: Member,
  ): Promise<BackendResult<Placed>> {
    // As its owner: the new backend's rate limits, audit log and policy see who the session belongs to.
    const opening = this.ctx.placer.open(options, { ...s.owner }, s.key, {
      groups: this.ctx.placer.groupsFor(s.assignment),
      prefer: from.drain?.target,
      avoid: new Set([from]),
    });
    const result = await withTimeout(opening, this.ctx.config.timeoutMs);
    if (!result.ok && result.error.code === 'TIMEOUT') {
      void opening.then((late) => {
        if (late.ok) void late.value.member.backend?.destroySession(late.value.info.id);
      });
    }
    return result;
  }
}
