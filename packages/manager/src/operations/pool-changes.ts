import { fail, ok, type BackendResult } from '@vth/core';
import { type BackendSpecInput } from '../backend-spec';
import { checkBackendSpec } from '../config-check';
import { assignIds } from '../pool/backend-ids';
import { noSuchBackend } from '../pool/backend-pool';
import { type Member } from '../sessions/managed-session';
import { type DrainReport } from '../manager-events';
import { drainMember, type DrainOptions } from './drain';
import { type OperationContext } from './operation-context';

/**
 * Changes to the main pool at run time: a backend added (created, probed, in rotation at once), removed
 * (drained, then shut down), drained for maintenance and put back.
 *
 * @example
 * ```ts
 * const id = await changes.add({ type: 'node-pty', weight: 2 });
 * const report = await changes.drain('tmux', { mode: 'finish' });
 * ```
 */
export class PoolChanges {
  constructor(private readonly ctx: OperationContext) {}

  async add(spec: BackendSpecInput): Promise<BackendResult<string>> {
    const { readiness, pool } = this.ctx;
    const ready = readiness.check();
    if (!ready.ok) return ready;
    const parsed = checkBackendSpec(spec, this.ctx.plugins);
    if (!parsed.ok) return parsed;
    const id = parsed.value.id ?? assignIds([parsed.value], pool.ids())[0]!;
    if (pool.get(id)) return fail('INVALID_INPUT', `a backend with id "${id}" is already in the pool`);
    const member = pool.add(id, parsed.value, pool.main);
    const started = await pool.start(member);
    if (!started.ok) {
      pool.forget(member);
      return started;
    }
    if (!readiness.ready) {
      await pool.retire(member);
      return readiness.refusal();
    }
    this.ctx.prober.schedule(member);
    this.ctx.events.emit('backend-added', { backendId: id, type: member.type });
    this.ctx.health.report();
    return ok(id);
  }

  async remove(id: string, options: { drainTimeoutMs?: number }): Promise<BackendResult<void>> {
    return this.leased(id, 'removal', async (member) => {
      const plan = {
        timeoutMs: options.drainTimeoutMs ?? 30_000,
        mode: 'move',
        reason: 'backend-removed',
      } as const;
      await drainMember(member, plan, this.ctx.mover);
      await this.ctx.pool.retire(member);
      this.ctx.events.emit('backend-removed', { backendId: id, type: member.type });
      this.ctx.health.report();
      return ok();
    });
  }

  async drain(id: string, options: DrainOptions): Promise<BackendResult<DrainReport>> {
    return this.leased(id, 'drain', async (member) => {
      const plan = {
        timeoutMs: options.timeoutMs ?? 30_000,
        mode: options.mode ?? 'move',
        reason: 'drain',
      } as const;
      const report = await drainMember(member, plan, this.ctx.mover);
      this.ctx.events.emit('backend-drained', report);
      this.ctx.health.report();
      return ok(report);
    });
  }

  undrain(id: string): BackendResult<void> {
    const member = typeof id === 'string' ? this.ctx.pool.get(id) : undefined;
    if (!member || member.retired) return noSuchBackend(id);
    if (member.busyWith) {
      return fail('BUSY', `backend ${id} is in a ${member.busyWith}; it cannot be undrained now`);
    }
    member.undrain();
    this.ctx.health.report();
    return ok();
  }

  /** `work` on the backend `id`, leased for `what` while it runs (`BUSY` while another operation holds it). */
  private async leased<T>(
    id: string,
    what: string,
    work: (member: Member) => Promise<BackendResult<T>>,
  ): Promise<BackendResult<T>> {
    const ready = this.ctx.readiness.check();
    if (!ready.ok) return ready;
    const claimed = this.ctx.pool.claim(id, what);
    if (!claimed.ok) return claimed;
    try {
      return await work(claimed.value.member);
    } finally {
      claimed.value.lease.release();
    }
  }
}
