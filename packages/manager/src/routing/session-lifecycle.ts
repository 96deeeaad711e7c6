import {
  createSessionOptionsSchema,
  fail,
  ok,
  type BackendResult,
  type CreateSessionOptions,
  type ExecutionContext,
  type SessionInfo,
} from '@vth/core';
import { createId, parseExecutionContext, parseInput } from '@vth/core/kit';
import { type ManagerEvents } from '../context/manager-context';
import { type Readiness } from '../context/readiness';
import { type Assignment } from '../experiments/experiment-set';
import { type ManagerCounters } from '../metrics/manager-counters';
import { type BackendPool } from '../pool/backend-pool';
import { ManagedSession } from '../sessions/managed-session';
import { type SessionTable } from '../sessions/session-table';
import { type SessionPlacer } from './session-placer';

export interface SessionLifecycleContext {
  managerId: string;
  readiness: Pick<Readiness, 'ready' | 'check' | 'refusal'>;
  pool: BackendPool<ManagedSession>;
  sessions: SessionTable;
  placer: SessionPlacer;
  /** The experiment variant a new session of `key` joins, if any. */
  assign: (key: string, source: string | undefined) => Assignment | undefined;
  counters: ManagerCounters;
  events: ManagerEvents;
}

/**
 * Sessions coming and going: `create` places a new one (in its experiment variant's group, if any) and
 * registers it, `destroy` ends one where it lives, `list` describes them all as the caller knows them.
 *
 * @example
 * ```ts
 * const s = await lifecycle.create({ cwd: '/srv' }, { userId: 'u1' });
 * ```
 */
export class SessionLifecycle {
  constructor(private readonly ctx: SessionLifecycleContext) {}

  async create(
    options?: CreateSessionOptions,
    context?: ExecutionContext,
  ): Promise<BackendResult<SessionInfo>> {
    const { readiness, sessions } = this.ctx;
    const ready = readiness.check();
    if (!ready.ok) return ready;
    const parsed = parseInput(createSessionOptionsSchema, options ?? {}, 'options');
    if (!parsed.ok) return parsed;
    const ctx = parseExecutionContext(context);
    if (!ctx.ok) return ctx;
    const { sessionId, ...rest } = parsed.value as CreateSessionOptions;
    const id = sessionId ?? createId('s');
    const reserved = sessions.reserve(id);
    if (!reserved.ok) return reserved;
    try {
      const key = ctx.value.userId ?? id;
      const assignment = this.ctx.assign(key, ctx.value.source);
      const opened = await this.ctx.placer.open(() => ({ ...rest, sessionId: id }), ctx.value, key, {
        groups: this.ctx.placer.groupsFor(assignment),
      });
      if (!opened.ok) return opened;
      const { member, info } = opened.value;
      if (!readiness.ready || member.retired) {
        await member.backend?.destroySession(info.id);
        if (!readiness.ready) return readiness.refusal();
        return fail('UNAVAILABLE', `backend ${member.id} was removed while the session started; try again`, {
          dispatched: false,
        });
      }
      const s = new ManagedSession({
        id,
        member,
        innerId: info.id,
        options: rest,
        key,
        owner: {
          ...(ctx.value.userId === undefined ? {} : { userId: ctx.value.userId }),
          ...(ctx.value.source === undefined ? {} : { source: ctx.value.source }),
        },
        panes: info.panes,
        cwd: info.cwd,
        assignment,
      });
      assignment?.variant.stats.sessionStarted();
      s.pinTo(member);
      sessions.add(s);
      this.ctx.counters.sessionCreated();
      const outer = s.info(this.ctx.managerId, info);
      this.ctx.events.emit('session-created', outer);
      return ok(outer);
    } finally {
      reserved.value();
    }
  }

  async destroy(sessionId: string): Promise<BackendResult<void>> {
    const ready = this.ctx.readiness.check();
    if (!ready.ok) return ready;
    const found = this.ctx.sessions.find(sessionId);
    if (!found.ok) return found;
    const s = found.value;
    if (s.move) await s.move;
    if (!s.beginClosing()) return s.ended();
    const member = s.member;
    const r = member.backend ? await member.backend.destroySession(s.innerId) : ok();
    // Gone there already (its shell just died) is as good as destroyed.
    if (!r.ok && r.error.code !== 'SESSION_NOT_FOUND' && r.error.code !== 'NOT_INITIALIZED') {
      s.cancelClosing();
      return fail(r.error.withBackendId(member.id));
    }
    this.ctx.sessions.forget(s);
    this.ctx.events.emit('session-closed', { sessionId: s.id, reason: 'destroyed' });
    return ok();
  }

  async list(): Promise<BackendResult<SessionInfo[]>> {
    const ready = this.ctx.readiness.check();
    if (!ready.ok) return ready;
    const fresh = new Map<ManagedSession, SessionInfo>();
    await Promise.all(
      this.ctx.pool.all().map(async (m) => {
        if (!m.backend || m.sessions.size === 0) return;
        const listed = await m.backend.listSessions();
        if (!listed.ok) return;
        for (const info of listed.value) {
          const s = m.sessionOf(info.id);
          if (s && s.member === m) fresh.set(s, info);
        }
      }),
    );
    const infos: SessionInfo[] = [];
    for (const s of this.ctx.sessions.all()) {
      if (s.state === 'closed') continue;
      infos.push(s.info(this.ctx.managerId, fresh.get(s)));
    }
    return ok(infos);
  }
}
