import { type Clock, type ManagerEvents } from '../context/manager-context';
import { type ManagerCounters } from '../metrics/manager-counters';
import { type Member } from '../sessions/managed-session';

export interface FailoverBatchesContext {
  events: ManagerEvents;
  counters: ManagerCounters;
  clock: Clock;
}

/**
 * Groups the sessions a backend loses in one tick (a crash takes them all at once) into one `failover`
 * event, counted once.
 *
 * @example
 * ```ts
 * for (const s of member.sessions) batches.note(member, 'its tmux server died', s.id);
 * // one `failover` event { from, reason, sessions: [...] } after this tick
 * ```
 */
export class FailoverBatches {
  private readonly open = new Map<Member, { reason: string; sessions: string[] }>();

  constructor(private readonly ctx: FailoverBatchesContext) {}

  note(member: Member, reason: string, sessionId: string): void {
    let batch = this.open.get(member);
    if (!batch) {
      const started = { reason, sessions: [] as string[] };
      batch = started;
      this.open.set(member, started);
      queueMicrotask(() => {
        this.open.delete(member);
        this.ctx.counters.failover();
        this.ctx.events.emit('failover', {
          from: member.id,
          reason: started.reason,
          sessions: started.sessions,
          at: this.ctx.clock.now(),
        });
      });
    }
    batch.sessions.push(sessionId);
  }
}
