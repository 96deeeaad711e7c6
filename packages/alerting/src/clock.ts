/** A pending timer of an {@link AlertClock}. */
export interface AlertTimer {
  /** The callback will not run; cancelling a timer that ran or was cancelled does nothing. */
  cancel(): void;
}

/**
 * Where alerting reads the time and sets its timers: the engine's for-durations, resolve delays and
 * evaluation interval, and the webhook sink's timeouts and back-off. Injectable, so tests move time by
 * hand (`ManualClock` from `@vth/alerting/testing`) instead of sleeping.
 *
 * @example
 * ```ts
 * const clock: AlertClock = { now: () => Date.now(), setTimer: (fn, ms) => { const t = setTimeout(fn, ms); return { cancel: () => clearTimeout(t) }; } };
 * ```
 */
export interface AlertClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once, `ms` from now. The timer never keeps the process alive on its own. */
  setTimer(fn: () => void, ms: number): AlertTimer;
}

/** The real time: `Date.now()` and unref'd `setTimeout`s. */
export const systemClock: AlertClock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const timer = setTimeout(fn, Math.max(0, ms));
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};
