import { pollUntil } from '@vth/testkit';

/** Polls `what` until it answers something (20 s deadline), and resolves with it. */
export function until<T>(what: () => T | undefined): Promise<T> {
  return pollUntil(what, (v) => v !== undefined, { timeoutMs: 20_000, intervalMs: 5 }).then((v) => {
    if (v === undefined) throw new Error('the condition never held');
    return v;
  });
}
