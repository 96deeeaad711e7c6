import { type BackendError, type BackendResult } from '@vth/core';
import { ExponentialBackoff, handleWhenResult, retry, type RetryPolicy } from 'cockatiel';
import { isRetryable } from '../failure-kinds';
import { type RetryConfig } from '../manager-config';

/**
 * A call that found its session moved (or moving) under it, without reaching a shell: never retried where
 * it was; the router follows the session instead.
 */
export interface Moved {
  readonly moved: true;
  readonly error: BackendError;
}

/** What a call under the retry policy answers: its result, or `Moved`. */
export type Outcome<T> = BackendResult<T> | Moved;

export function isMoved<T>(outcome: Outcome<T>): outcome is Moved {
  return 'moved' in outcome;
}

/**
 * Runs calls under the retry policy (cockatiel: exponential backoff with decorrelated jitter): a call is
 * repeated only while it failed without reaching a shell (`dispatched: false`) for a reason of the
 * backend's (see `isRetryable`), never when its session moved. At shutdown (`halt`), a call waiting
 * between two attempts answers its last failure at once.
 *
 * @example
 * ```ts
 * const runner = new RetryRunner(config.retry, readiness.halt);
 * const r = await runner.run(() => backend.createSession(options));
 * ```
 */
export class RetryRunner {
  private readonly policy: RetryPolicy;
  /** Calls between two attempts: `answerAllNow()` resolves each with its last outcome. */
  private readonly waiting = new Set<() => void>();

  constructor(
    config: RetryConfig,
    private readonly halt: AbortSignal,
  ) {
    // Unref'd: a back-off that shutdown cut short must not hold the process open.
    this.policy = retry(
      handleWhenResult((r) => {
        const outcome = r as Outcome<unknown>;
        return !isMoved(outcome) && !outcome.ok && isRetryable(outcome.error);
      }),
      {
        maxAttempts: config.maxRetries,
        backoff: new ExponentialBackoff({ initialDelay: config.initialDelayMs, maxDelay: config.maxDelayMs }),
      },
    ).dangerouslyUnref();
  }

  run<R extends Outcome<unknown>>(call: () => Promise<R>): Promise<R> {
    const halted = this.halt;
    let last: R | undefined;
    let running = false;
    const attempts = this.policy.execute(async () => {
      if (halted.aborted && last) return last;
      running = true;
      try {
        return (last = await call());
      } finally {
        running = false;
      }
    }, halted);
    return new Promise((resolve, reject) => {
      const answerNow = (): void => {
        if (!running && last) resolve(last);
      };
      this.waiting.add(answerNow);
      attempts.then(resolve, reject).finally(() => this.waiting.delete(answerNow));
    });
  }

  /** At shutdown: every call waiting out a back-off answers now. */
  answerAllNow(): void {
    for (const answerNow of [...this.waiting]) answerNow();
  }
}
