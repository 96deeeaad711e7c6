import { fail, ok, parseCommandHandle, type BackendResult, type ExecutionContext } from '@vth/core';
import { createId } from '@vth/core/kit';
import { type OperationName, type OperationParams } from '@vth/protocol';
import { type CallContext, type OperationContext } from './operation-context';
import { accessSession } from './session-access';

export type Handler<O extends OperationName> = (
  ctx: OperationContext,
  call: CallContext,
  params: OperationParams<O>,
  requestId: string,
) => Promise<BackendResult<unknown>>;

type Limits = {
  timeoutMs?: number;
  idleTimeoutMs?: number;
  maxOutputBytes?: number;
  source?: string;
  yieldAfterMs?: number;
};

/** The context of a command: the user from the token, never from the client; limits from the request. */
function commandContext(call: CallContext, requestId: string, p: Limits): ExecutionContext {
  return {
    requestId,
    userId: call.identity.userId,
    source: p.source ?? (call.transport === 'http' ? 'api' : 'ws'),
    ...(p.timeoutMs === undefined ? {} : { timeoutMs: p.timeoutMs }),
    ...(p.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: p.idleTimeoutMs }),
    ...(p.maxOutputBytes === undefined ? {} : { maxOutputBytes: p.maxOutputBytes }),
    ...(p.yieldAfterMs === undefined ? {} : { yieldAfterMs: p.yieldAfterMs }),
    ...(call.onOutput ? { onOutput: call.onOutput } : {}),
  };
}

/** Runs `fn` on a session the caller may use, holding it (not reaped while the call runs). */
async function onSession<T>(
  ctx: OperationContext,
  call: CallContext,
  sessionId: string,
  fn: () => Promise<BackendResult<T>>,
): Promise<BackendResult<T>> {
  const session = await accessSession(ctx, call.identity, sessionId);
  if (!session.ok) return session;
  const release = ctx.registry.hold(session.value, 'busy');
  try {
    return await fn();
  } finally {
    release();
  }
}

const createSession: Handler<'session.create'> = async (ctx, call, params, requestId) => {
  const { identity } = call;
  const options = params.options ?? {};
  if (ctx.registry.ownedBy(identity.userId).length >= ctx.config.sessions.maxPerUser)
    return fail('BUSY', `user "${identity.userId}" already has ${ctx.config.sessions.maxPerUser} sessions`, {
      dispatched: false,
    });
  const id = options.sessionId ?? createId('s');
  if (ctx.registry.get(id))
    return fail('INVALID_INPUT', `session id "${id}" is taken`, { dispatched: false });
  const size = {
    cols: options.cols ?? ctx.config.sessions.cols,
    rows: options.rows ?? ctx.config.sessions.rows,
  };
  // Followed before it exists, so not a byte of its output is missed.
  const tracked = ctx.registry.track(id, identity.userId, size, true);
  const release = ctx.registry.hold(tracked, 'busy');
  try {
    const created = await ctx.backend.createSession(
      { ...options, sessionId: id, ...size },
      { requestId, userId: identity.userId, source: call.transport === 'http' ? 'api' : 'ws' },
    );
    if (!created.ok) {
      ctx.registry.forget(id, 'not created');
      return created;
    }
    tracked.defaultPane = created.value.panes[0] ?? tracked.defaultPane;
    return created;
  } finally {
    release();
  }
};

const listSessions: Handler<'session.list'> = async (ctx, call) => {
  const listed = await ctx.backend.listSessions();
  if (!listed.ok) return listed;
  const mine = new Set(ctx.registry.ownedBy(call.identity.userId));
  return ok(listed.value.filter((s) => mine.has(s.id) && (call.identity.sessionId ?? s.id) === s.id));
};

const getSession: Handler<'session.get'> = (ctx, call, p) =>
  onSession(ctx, call, p.sessionId, async () => {
    const listed = await ctx.backend.listSessions();
    if (!listed.ok) return listed;
    const info = listed.value.find((s) => s.id === p.sessionId);
    return info ? ok(info) : fail('SESSION_NOT_FOUND', `no session "${p.sessionId}"`, { dispatched: false });
  });

const destroySession: Handler<'session.destroy'> = (ctx, call, p) =>
  onSession(ctx, call, p.sessionId, async () => {
    const r = await ctx.backend.destroySession(p.sessionId);
    if (r.ok) ctx.registry.forget(p.sessionId, 'destroyed');
    return r.ok ? ok(null) : r;
  });

const execute: Handler<'command.execute'> = (ctx, call, p, requestId) =>
  onSession(ctx, call, p.sessionId, () =>
    ctx.backend.executeCommand(p.sessionId, p.command, p.paneId, commandContext(call, requestId, p)),
  );

const batch: Handler<'command.batch'> = (ctx, call, p, requestId) =>
  onSession(ctx, call, p.sessionId, () =>
    ctx.backend.executeBatch(p.sessionId, p.commands, p.paneId, commandContext(call, requestId, p)),
  );

/**
 * Runs `fn` on the command a handle names, when the handle's session is one the caller may use: else the
 * same answer as a session that does not exist (a handle cannot probe another user's sessions).
 */
async function onHandle<T>(
  ctx: OperationContext,
  call: CallContext,
  handle: string,
  fn: (
    backend: Required<Pick<OperationContext['backend'], 'readOutput' | 'waitFor'>>,
  ) => Promise<BackendResult<T>>,
): Promise<BackendResult<T>> {
  const parsed = parseCommandHandle(handle);
  if (!parsed.ok) return parsed;
  return onSession(ctx, call, parsed.value.sessionId, () => {
    const { readOutput, waitFor } = ctx.backend;
    if (!readOutput || !waitFor) {
      return Promise.resolve(
        fail('UNSUPPORTED', 'the served backend has no long commands', { dispatched: false }),
      );
    }
    return fn({ readOutput: readOutput.bind(ctx.backend), waitFor: waitFor.bind(ctx.backend) });
  });
}

const read: Handler<'command.read'> = (ctx, call, p) => {
  const { handle, ...options } = p;
  return onHandle(ctx, call, handle, (b) => b.readOutput(handle, options));
};

const wait: Handler<'command.wait'> = (ctx, call, p) => {
  const { handle, ...options } = p;
  return onHandle(ctx, call, handle, (b) => b.waitFor(handle, options));
};

const input: Handler<'session.input'> = (ctx, call, p) =>
  onSession(ctx, call, p.sessionId, async () => {
    const r = await ctx.backend.sendInput(p.sessionId, p.data, p.paneId);
    return r.ok ? ok(null) : r;
  });

const interrupt: Handler<'session.interrupt'> = (ctx, call, p) =>
  onSession(ctx, call, p.sessionId, async () => {
    const r = await ctx.backend.interrupt(p.sessionId, p.paneId);
    return r.ok ? ok(null) : r;
  });

const capture: Handler<'session.capture'> = (ctx, call, p) =>
  onSession(ctx, call, p.sessionId, () =>
    ctx.backend.capture(p.sessionId, p.paneId, p.lines === undefined ? {} : { lines: p.lines }),
  );

const resize: Handler<'session.resize'> = (ctx, call, p) =>
  onSession(ctx, call, p.sessionId, async () => {
    const r = await ctx.backend.resize(p.sessionId, p.cols, p.rows, p.paneId);
    if (!r.ok) return r;
    const tracked = ctx.registry.get(p.sessionId);
    if (tracked) {
      tracked.size = { cols: p.cols, rows: p.rows };
      ctx.registry.stream(tracked, p.paneId).resized(p.cols, p.rows);
    }
    return ok(null);
  });

const health: Handler<'backend.health'> = async (ctx) => ok(await ctx.backend.getHealth());

const attachToken: Handler<'token.attach'> = async (ctx, call, p) => {
  // Else a browser could renew its own short-lived token for ever.
  if (call.identity.via === 'attach-token')
    return fail('FORBIDDEN', 'an attach token cannot mint attach tokens', { dispatched: false });
  if (p.sessionId !== undefined) {
    const s = await accessSession(ctx, call.identity, p.sessionId);
    if (!s.ok) return s;
  }
  const ttl = Math.min(p.ttlMs ?? ctx.config.auth.attachTokenTtlMs, ctx.config.auth.attachTokenTtlMs);
  const expiresAt = Date.now() + ttl;
  const sessionId = p.sessionId ?? call.identity.sessionId;
  const token = ctx.attachTokens.sign({
    userId: call.identity.userId,
    role: call.identity.role,
    expiresAt,
    ...(sessionId === undefined ? {} : { sessionId }),
  });
  return ok({ token, expiresAt });
};

export const SESSION_HANDLERS: { [O in OperationName]?: Handler<O> } = {
  'session.create': createSession,
  'session.list': listSessions,
  'session.get': getSession,
  'session.destroy': destroySession,
  'command.execute': execute,
  'command.batch': batch,
  'command.read': read,
  'command.wait': wait,
  'session.input': input,
  'session.interrupt': interrupt,
  'session.capture': capture,
  'session.resize': resize,
  'backend.health': health,
  'token.attach': attachToken,
};
