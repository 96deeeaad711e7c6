import { BackendError, type CreateSessionOptions } from '@vth/core';

// The arguments a guarded call reads before the backend sees them: they may be hostile (a Proxy whose
// traps throw, a getter), and reading them must neither throw nor hand the backend something else.

/** A plain copy of `value` when it is an array of strings; undefined otherwise, also when reading it throws. */
export function stringList(value: unknown): string[] | undefined {
  try {
    if (!Array.isArray(value)) return undefined;
    const list: unknown[] = Array.from(value as unknown[]);
    return list.every((c) => typeof c === 'string') ? (list as string[]) : undefined;
  } catch {
    // A Proxy whose traps throw.
    return undefined;
  }
}

/** The session id the caller asked for; none when options cannot be read (the backend refuses them). */
export function requestedId(options: CreateSessionOptions | undefined): { sessionId?: string } {
  try {
    const sessionId: unknown = options?.sessionId;
    return typeof sessionId === 'string' ? { sessionId } : {};
  } catch {
    return {};
  }
}

export function notAString(what: string, backendId: string): BackendError {
  return new BackendError('INVALID_INPUT', `invalid ${what}: must be a string`, {
    dispatched: false,
    backendId,
  });
}
