import { type EventEmitter } from 'node:events';

/** A listener per event name, typed by the emitter's event map; absent names are not listened to. */
export type EventHandlers<M extends Record<keyof M, unknown[]>> = {
  [K in keyof M]?: (...args: M[K]) => void;
};

/**
 * Attaches a set of listeners at once and returns the one call that detaches exactly those (the emitter's
 * other listeners stay): the attach/detach pair a wrapper needs when it forwards or follows another
 * emitter's events, written once. Calling the returned function again does nothing.
 *
 * @example
 * ```ts
 * const detach = subscribe(backend, {
 *   output: (e) => this.emit('output', e),
 *   'session-closed': (e) => this.forget(e.sessionId),
 * });
 * // later, when the backend is replaced:
 * detach();
 * ```
 */
export function subscribe<M extends Record<keyof M, unknown[]>>(
  emitter: EventEmitter<M>,
  handlers: NoInfer<EventHandlers<M>>,
): () => void {
  // The typed overloads of EventEmitter<M> do not accept a name computed from the map: go through the
  // untyped emitter; each handler was typed by the map above.
  const untyped = emitter as unknown as EventEmitter;
  const attached: Array<[string, (...args: unknown[]) => void]> = [];
  for (const [name, handler] of Object.entries(handlers)) {
    if (typeof handler !== 'function') continue;
    untyped.on(name, handler as (...args: unknown[]) => void);
    attached.push([name, handler as (...args: unknown[]) => void]);
  }
  return () => {
    for (const [name, handler] of attached.splice(0)) untyped.off(name, handler);
  };
}
