/**
 * `@vth/alerting/testing`: `ManualClock`, a clock that moves only when told, so tests of for-durations,
 * resolve delays and webhook back-off run without sleeping.
 *
 * @example
 * ```ts
 * import { ManualClock } from '@vth/alerting/testing';
 * const clock = new ManualClock();
 * const engine = AlertEngine.create({ config, clock });
 * clock.advance(30_000); // runs what falls due: a 30 s for-duration ends, the alert fires
 * ```
 *
 * @module @vth/alerting/testing
 */
export { ManualClock } from './manual-clock';
