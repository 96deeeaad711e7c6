import { type EventEmitter } from 'node:events';
import { type BackendError } from '@vth/core';
import { emitErrorSafely } from '@vth/core/kit';
import { type ManagerEventMap } from '../manager-events';

/** How a collaborator of the manager speaks to the manager's listeners, without holding the manager. */
export interface ManagerEvents {
  emit<K extends keyof ManagerEventMap>(event: K, ...args: ManagerEventMap[K]): void;
  /** Reports an error that is no call's result (a strategy that threw), on `error` when someone listens. */
  error(error: BackendError): void;
}

/** Wall-clock time, ms since the epoch (health windows, ejections, event timestamps). */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** The `ManagerEvents` of the manager `emitter` (which emits the events of `ManagerEventMap`). */
export function managerEvents(emitter: EventEmitter<ManagerEventMap>): ManagerEvents {
  // Looked up on each call, as `emitter.emit(...)` would be; typed by `ManagerEvents` above.
  const untyped = emitter as unknown as { emit(event: string, ...args: unknown[]): boolean };
  return {
    emit: (event, ...args) => void untyped.emit(event, ...args),
    error: (error) => emitErrorSafely(emitter, error),
  };
}
