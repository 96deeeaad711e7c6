import { type CommandExecution } from '@vth/core';
import {
  type FailoverEvent,
  type ManagerEventMap,
  type SessionMigrationFailedEvent,
  type SwapFailedEvent,
} from '@vth/manager';
import { type AlertSource } from './alert-source';
import { type AlertClock } from './clock';
import { type EventLog } from './event-log';

/** Events after which the pool's state may have changed: the rules look again at once. */
const STATE_EVENTS = [
  'backend-ejected',
  'backend-recovered',
  'backend-health-changed',
  'backend-added',
  'backend-removed',
  'backend-drained',
  'backend-swapped',
  'swap-started',
  'health-changed',
  'experiment-started',
  'experiment-updated',
  'experiment-stopped',
] as const satisfies ReadonlyArray<keyof ManagerEventMap>;

type Listener = (...args: never[]) => void;

/**
 * The engine's subscription to a manager's events: failovers, failed migrations and failed swaps are
 * recorded (with the clock's time) for the rules that count them, completed commands' latencies for
 * `latency-p99` rules of commands, and any of them (and state changes) asks for an evaluation. Handlers do
 * no more than that and never throw into the manager.
 */
export class ManagerListeners {
  private readonly attached: Array<[keyof ManagerEventMap, Listener]> = [];

  constructor(private readonly source: AlertSource) {}

  /** Subscribes. If the source throws while subscribing, `remove()` undoes what was done. */
  start(events: EventLog, clock: AlertClock, latency: boolean, changed: () => void): void {
    const guard =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A): void => {
        try {
          fn(...args);
        } catch {
          // A malformed event from a foreign source is ignored; the next evaluation reads the state anyway.
        }
        changed();
      };
    this.listen(
      'failover',
      guard((e: FailoverEvent) =>
        events.record(
          'failover',
          e.from,
          clock.now(),
          `${e.reason} (${e.sessions.length} session${e.sessions.length === 1 ? '' : 's'} to move)`,
        ),
      ),
    );
    this.listen(
      'session-migration-failed',
      guard((e: SessionMigrationFailedEvent) =>
        events.record(
          'migration-failed',
          e.from,
          clock.now(),
          `session ${e.sessionId} lost: ${e.error.code}: ${e.error.message}`,
        ),
      ),
    );
    this.listen(
      'swap-failed',
      guard((e: SwapFailedEvent) => events.record('swap-failed', e.backendId, clock.now(), String(e.reason))),
    );
    for (const name of STATE_EVENTS)
      this.listen(
        name,
        guard(() => undefined),
      );
    if (latency) {
      this.listen('command-completed', (e: CommandExecution) => {
        try {
          if (e.status !== 'completed') return;
          const backendId = this.source.backendOf(e.sessionId);
          if (backendId !== undefined) events.recordLatency(backendId, clock.now(), e.durationMs);
        } catch {
          // As above.
        }
      });
    }
  }

  remove(): void {
    for (const [name, listener] of this.attached.splice(0)) this.source.off(name, listener as never);
  }

  private listen(name: keyof ManagerEventMap, listener: Listener): void {
    this.source.on(name, listener as never);
    this.attached.push([name, listener]);
  }
}
