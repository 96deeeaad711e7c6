import {
  type CommandExecution,
  type CommandStartedEvent,
  type HealthChangedEvent,
  type ITerminalBackend,
  type OutputEvent,
  type SessionClosedEvent,
} from '@vth/core';
import { subscribe } from '@vth/core/kit';
import { type ManagerEvents } from '../context/manager-context';
import { type ManagerCounters } from '../metrics/manager-counters';
import { type ManagedSession, type Member } from './managed-session';
import { type SessionTable } from './session-table';

export interface EventRelayContext {
  managerId: string;
  events: ManagerEvents;
  counters: ManagerCounters;
  sessions: SessionTable;
  /** A session's shell died with its backend: re-create it elsewhere. */
  lost: (session: ManagedSession, why: string) => void;
  /** Nothing runs in a session any more (its yielded command ended): a draining backend lets it go now. */
  idle: (session: ManagedSession) => void;
  /** The backend calls itself unhealthy: probe it now rather than at the next interval. */
  unhealthy: (member: Member) => void;
}

/**
 * Relays the events of a member's backend to the manager's listeners in the manager's terms (its session
 * ids, pane ids and id), for the sessions pinned there and live; keeps each session's working directory and
 * environment up to date from its completed commands; turns a shell that died into a failover. Returns what
 * detaches the relay.
 *
 * @example
 * ```ts
 * member.adopt(backend, relayEvents(member, backend, context));
 * ```
 */
export function relayEvents(member: Member, backend: ITerminalBackend, ctx: EventRelayContext): () => void {
  const { events, counters } = ctx;
  const live = (innerId: string): ManagedSession | undefined => {
    const s = member.sessionOf(innerId);
    return s && s.member === member && s.state === 'live' ? s : undefined;
  };
  return subscribe(backend, {
    output: (e: OutputEvent) => {
      const s = live(e.sessionId);
      if (!s) return;
      events.emit('output', s.translated ? { ...e, sessionId: s.id, paneId: s.outerPane(e.paneId) } : e);
    },
    'command-started': (e: CommandStartedEvent) => {
      const s = live(e.sessionId);
      if (!s) return;
      counters.commandStarted();
      events.emit('command-started', { ...e, sessionId: s.id, paneId: s.outerPane(e.paneId) });
    },
    'command-completed': (e: CommandExecution) => {
      const s = live(e.sessionId);
      if (!s) return;
      if (e.cwd !== undefined) s.cwd = e.cwd;
      s.environment.observe(e.command, e.status, e.exitCode);
      const execution = s.execution(ctx.managerId, e);
      counters.commandFinished(execution, execution.output.length);
      events.emit('command-completed', execution);
      if (s.releaseHold(e.id)) ctx.idle(s);
    },
    'session-closed': (e: SessionClosedEvent) => {
      const s = live(e.sessionId);
      if (!s) return;
      const endedNormally = e.reason === 'destroyed' || (e.reason === 'exited' && !e.signal);
      if (endedNormally) {
        ctx.sessions.forget(s);
        events.emit('session-closed', { ...e, sessionId: s.id });
      } else {
        ctx.lost(s, `its shell on ${member.id} ${describeClose(e)}`);
      }
    },
    'health-changed': (e: HealthChangedEvent) => {
      events.emit('backend-health-changed', {
        backendId: member.id,
        previous: e.previous,
        current: e.current,
      });
      if (e.current.status === 'unhealthy') ctx.unhealthy(member);
    },
    // Errors of calls reach the manager as results; the manager reports its own.
    error: () => undefined,
  });
}

/** How a session that did not end normally ended: crashed, shut down, or (exited) killed by a signal. */
function describeClose(e: SessionClosedEvent): string {
  if (e.reason === 'crashed') return 'crashed';
  if (e.reason === 'shutdown') return 'ended when the backend shut down';
  return `was killed by ${String(e.signal)}`;
}
