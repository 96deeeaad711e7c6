import { fail, ok, type BackendResult } from '@vth/core';
import { type OperationName } from '@vth/protocol';
import { type ManagerView } from '../manager-view';
import { type CallContext, type OperationContext } from './operation-context';
import { type Handler } from './session-operations';

function needManager(ctx: OperationContext): BackendResult<ManagerView> {
  return ctx.manager
    ? ok(ctx.manager)
    : fail(
        'UNSUPPORTED',
        `the served backend (${ctx.raw.type}) is not a BackendManager: it has no pool to administer`,
        {
          dispatched: false,
        },
      );
}

/** An admin change: needs a manager, and is audited whatever its outcome. */
function change<O extends OperationName>(
  op: O,
  fn: (
    m: ManagerView,
    params: Parameters<Handler<O>>[2],
    call: CallContext,
  ) => Promise<BackendResult<unknown>>,
): Handler<O> {
  return (ctx, call, params, requestId) =>
    ctx.audit.record(call.identity, requestId, op, params as Record<string, unknown>, async () => {
      const m = needManager(ctx);
      return m.ok ? fn(m.value, params, call) : m;
    });
}

function read<O extends OperationName>(
  fn: (
    m: ManagerView,
    params: Parameters<Handler<O>>[2],
    ctx: OperationContext,
  ) => Promise<BackendResult<unknown>> | BackendResult<unknown>,
): Handler<O> {
  return async (ctx, _call, params) => {
    const m = needManager(ctx);
    return m.ok ? fn(m.value, params, ctx) : m;
  };
}

/** Manager events that make up a hot swap's progress. */
const SWAP_EVENTS = ['swap-started', 'session-migrated', 'backend-swapped', 'swap-failed'] as const;

export const ADMIN_HANDLERS: { [O in OperationName]?: Handler<O> } = {
  'admin.backends.list': read((m) => ok(m.backends())),
  'admin.backends.health': read((m, p) => {
    const metrics = m.getMetrics().backends[p.backendId];
    return metrics
      ? ok(metrics)
      : fail('INVALID_INPUT', `no backend "${p.backendId}" in the pool`, { dispatched: false });
  }),
  'admin.backends.drain': change('admin.backends.drain', (m, p) =>
    m.drain(p.backendId, {
      ...(p.timeoutMs === undefined ? {} : { timeoutMs: p.timeoutMs }),
      ...(p.mode === undefined ? {} : { mode: p.mode }),
    }),
  ),
  'admin.backends.undrain': change('admin.backends.undrain', async (m, p) => {
    const r = m.undrain(p.backendId);
    return r.ok ? ok(null) : r;
  }),
  'admin.backends.swap': change('admin.backends.swap', async (m, p, call) => {
    const listeners = SWAP_EVENTS.map((name) => {
      const listener = (data: unknown): void => {
        const d = data as { backendId?: string; from?: string; reason?: string };
        const ours = d.backendId === p.backendId || (name === 'session-migrated' && d.from === p.backendId);
        if (ours) call.onProgress?.(name, data);
      };
      m.on(name, listener);
      return () => m.off(name, listener);
    });
    try {
      return await m.hotSwap(p.backendId, p.spec as never, {
        ...(p.probes === undefined ? {} : { probes: p.probes }),
        ...(p.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: p.drainTimeoutMs }),
        ...(p.mode === undefined ? {} : { mode: p.mode }),
      });
    } finally {
      for (const off of listeners) off();
    }
  }),
  'admin.experiments.list': read((m, _p, ctx) => {
    for (const name of m.runningExperiments()) ctx.experiments.add(name);
    const reports = [...ctx.experiments].flatMap((name) => {
      const r = m.experimentReport(name);
      return r.ok ? [r.value] : [];
    });
    return ok(reports);
  }),
  'admin.experiments.start': change('admin.experiments.start', async (m, p) =>
    m.startExperiment(p.spec as never),
  ),
  'admin.experiments.update': change('admin.experiments.update', async (m, p) =>
    m.updateExperiment(p.name, {
      ...(p.weights === undefined ? {} : { weights: p.weights }),
      ...(p.traffic === undefined ? {} : { traffic: p.traffic }),
    }),
  ),
  'admin.experiments.stop': change('admin.experiments.stop', (m, p) =>
    m.stopExperiment(p.name, {
      ...(p.moveSessions === undefined ? {} : { moveSessions: p.moveSessions }),
      ...(p.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: p.drainTimeoutMs }),
    }),
  ),
  'admin.experiments.report': read((m, p) => m.experimentReport(p.name)),
  'admin.sessions.list': async (ctx) => {
    const listed = await ctx.backend.listSessions();
    if (!listed.ok) return listed;
    return ok(
      listed.value.map((s) => {
        const tracked = ctx.registry.get(s.id);
        const backendId = ctx.manager?.backendOf(s.id);
        return {
          ...s,
          owner: tracked?.owner ?? null,
          attachments: tracked?.attachments ?? 0,
          ...(backendId === undefined ? {} : { poolBackendId: backendId }),
        };
      }),
    );
  },
  'admin.sessions.close': (ctx, call, p, requestId) =>
    ctx.audit.record(call.identity, requestId, 'admin.sessions.close', p, async () => {
      const r = await ctx.backend.destroySession(p.sessionId);
      if (r.ok) ctx.registry.forget(p.sessionId, 'closed by an admin');
      return r.ok ? ok(null) : r;
    }),
  'admin.metrics': async (ctx) => ok(await ctx.metricsSnapshot()),
};
