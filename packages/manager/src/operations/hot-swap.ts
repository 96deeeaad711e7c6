import { BackendError, fail, ok, type BackendResult } from '@vth/core';
import { type BackendSpecInput } from '../backend-spec';
import { checkBackendSpec } from '../config-check';
import { type ManagerCounters } from '../metrics/manager-counters';
import { type Member } from '../sessions/managed-session';
import { drainMember, type DrainOptions } from './drain';
import { type OperationContext } from './operation-context';
import { type HotSwapReport } from '../manager-events';

/** How `hotSwap()` replaces a backend. */
export interface HotSwapOptions extends Pick<DrainOptions, 'mode'> {
  /** Passing probes the replacement needs before it takes sessions. Default `health.recoveryProbes`. */
  probes?: number;
  /** See `DrainOptions.timeoutMs`. Default 30 000 ms. */
  drainTimeoutMs?: number;
}

export interface HotSwapContext extends OperationContext {
  counters: ManagerCounters;
  /** Passing probes a replacement needs by default (`health.recoveryProbes`). */
  defaultProbes: number;
}

/** What undoes one step of a swap. */
type Undo = () => unknown;

/**
 * Replaces a backend under load, as a saga: claim the old backend, bring the replacement up out of
 * rotation, verify it with probes, admit it, drain the old one into it, retire the old one, hand the
 * replacement its id. Until the replacement is admitted every step has its undo; a failure runs them
 * in reverse (the replacement shut down, the old backend released) and nothing else changed.
 *
 * @example
 * ```ts
 * const swapped = await swaps.swap('tmux', { type: 'tmux', config: { historyLimit: 50_000 } }, {});
 * ```
 */
export class HotSwaps {
  constructor(private readonly ctx: HotSwapContext) {}

  async swap(
    backendId: string,
    spec: BackendSpecInput,
    options: HotSwapOptions,
  ): Promise<BackendResult<HotSwapReport>> {
    const { pool, events } = this.ctx;
    const parsed = checkBackendSpec(spec, this.ctx.plugins);
    if (!parsed.ok) return parsed;
    const ready = this.ctx.readiness.check();
    if (!ready.ok) return ready;
    const claimed = pool.claim(backendId, 'swap');
    if (!claimed.ok) return claimed;
    const { member: old, lease } = claimed.value;
    const started = performance.now();
    const tempId = parsed.value.id ?? `${backendId}~next`;
    if (pool.get(tempId)) {
      lease.release();
      return fail('INVALID_INPUT', `a backend with id "${tempId}" is already in the pool`);
    }
    const undo: Undo[] = [() => lease.release()];
    events.emit('swap-started', { backendId, replacement: tempId, type: parsed.value.type });
    const replacement = pool.add(tempId, parsed.value, old.group, old.order);
    // Out of rotation until it has proved itself.
    replacement.holdBack();
    undo.push(() => pool.retire(replacement));
    const verified = await this.bringUp(replacement, options.probes ?? this.ctx.defaultProbes);
    if (!verified.ok) return this.rollBack(undo, backendId, tempId, verified.error);
    if (old.retired || !this.ctx.readiness.ready) {
      const gone = new BackendError('UNAVAILABLE', 'the old backend went away meanwhile', {
        dispatched: false,
        cause: this.ctx.readiness.shutDownError(),
      });
      return this.rollBack(undo, backendId, tempId, gone);
    }

    // Past this point the swap goes through: new sessions go to the replacement.
    replacement.admit();
    this.ctx.prober.schedule(replacement);
    const drained = await drainMember(
      old,
      {
        timeoutMs: options.drainTimeoutMs ?? 30_000,
        mode: options.mode ?? 'move',
        target: replacement,
        reason: 'hot-swap',
      },
      this.ctx.mover,
    );
    await pool.retire(old);
    lease.release();
    if (parsed.value.id === undefined && !replacement.retired) pool.rename(replacement, backendId);
    const durationMs = performance.now() - started;
    this.ctx.counters.swapped(durationMs);
    const { moved, ended, forced, lost } = drained;
    const report: HotSwapReport = {
      backendId,
      replacement: replacement.id,
      durationMs,
      moved,
      ended,
      forced,
      lost,
    };
    events.emit('backend-swapped', report);
    this.ctx.health.report();
    return ok(report);
  }

  /** Starts the replacement and has it pass `probes` probes in a row; the error's message says which step failed. */
  private async bringUp(replacement: Member, probes: number): Promise<BackendResult<void>> {
    const up = await this.ctx.pool.start(replacement);
    if (!up.ok) return failedStep(`the replacement could not be started: ${up.error.message}`, up.error);
    for (let i = 0; i < probes; i++) {
      const probe = await this.ctx.prober.check(replacement);
      if (!probe.ok) {
        return failedStep(
          `the replacement failed probe ${i + 1} of ${probes}: ${probe.error.message}`,
          probe.error,
        );
      }
    }
    return ok();
  }

  /** Undoes every step in reverse, and reports the swap as failed (`swap-failed`, `UNAVAILABLE`). */
  private async rollBack(
    undo: Undo[],
    backendId: string,
    replacement: string,
    failure: BackendError,
  ): Promise<BackendResult<never>> {
    for (const step of undo.reverse()) await step();
    this.ctx.counters.swapFailed();
    const reason = failure.message;
    const failed = new BackendError('UNAVAILABLE', `hot swap of ${backendId} rolled back: ${reason}`, {
      dispatched: false,
      backendId,
      cause: failure.cause,
    });
    this.ctx.events.emit('swap-failed', { backendId, replacement, reason, error: failed });
    return fail(failed);
  }
}

/** A failed step of the swap: `reason` in words, `cause` the error behind it. */
function failedStep(reason: string, cause: BackendError): BackendResult<never> {
  return fail(new BackendError('UNAVAILABLE', reason, { dispatched: false, cause }));
}
