import { type BackendResult } from '@vth/core';
import { type Alert } from '../alert';

/**
 * Where alerts go when they fire and when they resolve (`alert.state` tells which). A sink may be slow or
 * fail: the engine never waits for it while evaluating, reports its failures as `error` events, and waits
 * for it (bounded) only in `shutdown()`.
 *
 * @example
 * ```ts
 * const pager: AlertSink = {
 *   name: 'pager',
 *   async deliver(alert) {
 *     if (alert.severity === 'critical') await page(alert.summary);
 *     return ok();
 *   },
 * };
 * ```
 */
export interface AlertSink {
  /** Names the sink in error reports. */
  readonly name: string;
  /** A failure is an `{ ok: false }` result (a throw or rejection from a third-party sink is caught too). */
  deliver(alert: Alert): void | Promise<BackendResult<void> | void>;
  /** Delivers or gives up what is pending, then resolves; bounded. Later deliveries are refused. */
  close?(): Promise<void>;
}
