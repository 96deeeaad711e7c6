import { fail, type BackendResult } from '@vth/core';
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  IsolatedCircuitError,
  circuitBreaker,
  handleWhenResult,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { isInfrastructureFailure } from '../failure-kinds';

/** What a call through a breaker needs to know of the backend behind it. */
export interface Breakable {
  readonly id: string;
  readonly breaker: CircuitBreakerPolicy;
}

export type BreakerState = 'closed' | 'open' | 'half-open' | 'isolated';

/** A circuit breaker that opens after `failures` infrastructure failures in a row. */
export function newBreaker(failures: number, halfOpenAfterMs: number): CircuitBreakerPolicy {
  return circuitBreaker(
    handleWhenResult((r) => {
      const result = r as { ok?: boolean; error?: { code: string } };
      return result.ok === false && result.error !== undefined && isInfrastructureFailure(result.error.code);
    }),
    { halfOpenAfter: halfOpenAfterMs, breaker: new ConsecutiveBreaker(failures) },
  );
}

export function breakerState(breaker: CircuitBreakerPolicy): BreakerState {
  switch (breaker.state) {
    case CircuitState.Open:
      return 'open';
    case CircuitState.HalfOpen:
      return 'half-open';
    case CircuitState.Isolated:
      return 'isolated';
    default:
      return 'closed';
  }
}

/**
 * Calls a backend through its circuit breaker. An open circuit answers `UNAVAILABLE` (dispatched: false)
 * without calling, and tells `onOpen` (the manager moves the sessions pinned there); a call that throws
 * answers `INTERNAL` (dispatched: true: it may have reached the shell).
 *
 * @example
 * ```ts
 * const guard = new CircuitGuard((member) => evacuate(member));
 * const r = await guard.call(member, () => backend.executeCommand(id, 'true'));
 * ```
 */
export class CircuitGuard<M extends Breakable> {
  constructor(private readonly onOpen: (member: M) => void) {}

  async call<T>(member: M, call: () => Promise<BackendResult<T>>): Promise<BackendResult<T>> {
    try {
      return await member.breaker.execute(call);
    } catch (e) {
      if (e instanceof BrokenCircuitError || e instanceof IsolatedCircuitError) {
        this.onOpen(member);
        return fail('UNAVAILABLE', `backend ${member.id} is failing (circuit open); try again later`, {
          dispatched: false,
          backendId: member.id,
        });
      }
      return fail('INTERNAL', `backend ${member.id} threw: ${e instanceof Error ? e.message : String(e)}`, {
        dispatched: true,
        backendId: member.id,
        cause: e,
      });
    }
  }
}
