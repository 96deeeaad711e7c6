import { type DrainReason } from '../pool/pool-member';
import { type ManagedSession, type Member } from '../sessions/managed-session';
import { type DrainReport } from '../manager-events';

/** How `drain()` empties a backend. */
export interface DrainOptions {
  /** Sessions still pinned to the backend then move anyway. Default 30 000 ms. */
  timeoutMs?: number;
  /** `move` (default): each session moves as soon as nothing runs in it. `finish`: sessions end by themselves. */
  mode?: 'move' | 'finish';
}

export interface DrainPlan {
  /** Sessions still pinned then move anyway. */
  timeoutMs: number;
  mode: 'move' | 'finish';
  /** Where its sessions should go first (a hot swap's replacement). */
  target?: Member;
  reason: DrainReason;
}

/** Who moves a session (the manager's migrator). */
export interface SessionMover {
  sessionLost(s: ManagedSession, why: string, reason: string): void;
}

/**
 * Empties `member`: it takes no new sessions; in `move` mode each idle session moves now and each busy one
 * as soon as its call ends (the router tells the migrator); at `timeoutMs` the rest move anyway. Resolves
 * once no session is pinned to it and every move has ended, with what happened to each.
 *
 * @example
 * ```ts
 * const report = await drainMember(member, { timeoutMs: 30_000, mode: 'move', reason: 'drain' }, migrator);
 * ```
 */
export async function drainMember(
  member: Member,
  plan: DrainPlan,
  mover: SessionMover,
): Promise<DrainReport> {
  const started = performance.now();
  member.beginDrain({ mode: plan.mode, reason: plan.reason, target: plan.target });
  const initial = [...member.sessions];
  const why = `backend ${member.id} is draining`;
  if (plan.mode === 'move') {
    for (const s of initial) if (s.inFlight === 0) mover.sessionLost(s, why, plan.reason);
  }
  await untilEmpty(member, plan.timeoutMs);
  const forced = [...member.sessions];
  for (const s of forced) mover.sessionLost(s, `${why}; its drain deadline passed`, plan.reason);
  await Promise.all(initial.map((s) => s.move));
  let moved = 0;
  let ended = 0;
  let lost = 0;
  for (const s of initial) {
    if (s.member !== member && s.state !== 'closed') moved++;
    else if (s.lostError) lost++;
    else ended++;
  }
  return {
    backendId: member.id,
    moved,
    ended,
    forced: forced.length,
    lost,
    durationMs: performance.now() - started,
  };
}

/** Resolves once no session is pinned to `member`, or after `timeoutMs`. */
function untilEmpty(member: Member, timeoutMs: number): Promise<void> {
  if (member.sessions.size === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      stopWatching();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    const stopWatching = member.whenSessionLeaves(() => {
      if (member.sessions.size === 0) done();
    });
  });
}
