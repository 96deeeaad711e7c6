import {
  toBackendError,
  type CommandStartedEvent,
  type OutputEvent,
  type SessionClosedEvent,
} from '@vth/core';
import { emitErrorSafely, subscribe } from '@vth/core/kit';
import { type SessionMigratedEvent } from '@vth/manager';
import { type EventEmitter } from 'node:events';
import { type TmuxIntegrationEventMap } from './events';
import { type SelectedBackend } from './integration-backend';

/** What the integration does itself with the events it forwards. */
export interface EventHooks {
  closed(event: SessionClosedEvent): void;
  /** A session of the pool moved to a new shell (the manager re-created it). */
  migrated(event: SessionMigratedEvent): void;
}

/**
 * Forwards the backend's events to the integration, as the legacy API names them, and hands session ends
 * and moves to `hooks`. A listener of the integration that throws must not break the backend's own handling
 * (it emits from inside its output processing): the exception goes to the integration's `error` listeners,
 * or, when there are none, is rethrown on a later tick, where Node reports it as it would any listener's.
 * Returns the function that stops forwarding.
 */
export function forwardEvents(
  { backend, migrations }: Pick<SelectedBackend, 'backend' | 'migrations'>,
  integration: EventEmitter<TmuxIntegrationEventMap>,
  hooks: EventHooks,
): () => void {
  const contained =
    <A extends unknown[]>(handler: (...args: A) => void) =>
    (...args: A) => {
      try {
        handler(...args);
      } catch (e) {
        if (integration.listenerCount('error') > 0) {
          emitErrorSafely(integration, toBackendError(e, 'INTERNAL', { dispatched: false }));
        } else {
          process.nextTick(() => {
            throw e;
          });
        }
      }
    };
  const onOutput = contained((e: OutputEvent) =>
    integration.emit('output-received', {
      sessionId: e.sessionId,
      paneId: e.paneId,
      data: e.data,
      ...(e.commandId === undefined ? {} : { commandId: e.commandId }),
    }),
  );
  const onClosed = contained((e: SessionClosedEvent) => {
    hooks.closed(e);
    integration.emit('session-closed', e);
  });
  const onStarted = contained((e: CommandStartedEvent) => integration.emit('command-started', e));
  const onMigrated = contained((e: SessionMigratedEvent) => hooks.migrated(e));
  const fromBackend = subscribe(backend, {
    output: onOutput,
    'session-closed': onClosed,
    'command-started': onStarted,
  });
  // A manager of the integration's own over an injected backend: the moves are its, the rest the backend's.
  migrations?.on('session-migrated', onMigrated);
  return () => {
    fromBackend();
    migrations?.off('session-migrated', onMigrated);
  };
}
