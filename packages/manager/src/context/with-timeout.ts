import { fail, type BackendResult } from '@vth/core';

/** `work`, or `TIMEOUT` (dispatched: false) after `ms`; the timer never outlives the race. */
export async function withTimeout<T>(work: Promise<BackendResult<T>>, ms: number): Promise<BackendResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<BackendResult<T>>((resolve) => {
    timer = setTimeout(() => resolve(fail('TIMEOUT', `gave up after ${ms} ms`, { dispatched: false })), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
