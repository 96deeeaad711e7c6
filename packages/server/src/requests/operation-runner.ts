import { fail, type BackendResult } from '@vth/core';
import { OPERATIONS, parseOperationParams, type OperationName } from '@vth/protocol';
import { ADMIN_HANDLERS } from './admin-operations';
import { type CallContext, type OperationContext } from './operation-context';
import { fingerprint } from './request-ledger';
import { SESSION_HANDLERS, type Handler } from './session-operations';

const HANDLERS = { ...SESSION_HANDLERS, ...ADMIN_HANDLERS } as Record<OperationName, Handler<OperationName>>;

/** Told about each finished operation (metrics). */
export type OperationObserver = (
  op: string,
  transport: CallContext['transport'],
  result: BackendResult<unknown>,
  ms: number,
) => void;

/**
 * Runs one operation for one caller, the same way over HTTP and over the socket: parameters checked
 * against the operation's schema (`INVALID_INPUT` naming each bad path), the role checked (`FORBIDDEN`),
 * and a mutating operation run at most once per `requestId` (a retry gets the first answer, also while
 * the first call still runs). Never throws.
 *
 * @example
 * ```ts
 * const result = await runner.run({ identity, transport: 'http' }, 'command.execute', { sessionId, command: 'ls' }, 'r-1');
 * ```
 */
export class OperationRunner {
  constructor(
    private readonly ctx: OperationContext,
    private readonly observe?: OperationObserver,
  ) {}

  async run(
    call: CallContext,
    op: string,
    params: unknown,
    requestId: string,
  ): Promise<BackendResult<unknown>> {
    const started = performance.now();
    let result: BackendResult<unknown>;
    try {
      result = await this.dispatch(call, op, params, requestId);
    } catch (e) {
      result = fail('INTERNAL', `operation ${op} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.observe?.(op, call.transport, result, performance.now() - started);
    return result;
  }

  private dispatch(
    call: CallContext,
    op: string,
    raw: unknown,
    requestId: string,
  ): Promise<BackendResult<unknown>> {
    const parsed = parseOperationParams(op, raw);
    if (!parsed.ok) {
      return Promise.resolve(
        parsed.problem.code === 'UNKNOWN_OPERATION'
          ? fail('UNSUPPORTED', parsed.problem.message, { dispatched: false })
          : fail('INVALID_INPUT', parsed.problem.message, {
              dispatched: false,
              details: { issues: parsed.problem.issues ?? [] },
            }),
      );
    }
    const name = op as OperationName;
    const spec = OPERATIONS[name];
    if (spec.admin && call.identity.role !== 'admin')
      return Promise.resolve(fail('FORBIDDEN', `${op} needs the admin role`, { dispatched: false }));
    if (name === 'session.create' && call.identity.sessionId !== undefined)
      return Promise.resolve(
        fail('FORBIDDEN', 'a token limited to one session cannot create sessions', { dispatched: false }),
      );
    const params = parsed.message as Record<string, unknown>;
    const handler = HANDLERS[name];
    if (!spec.mutating) return handler(this.ctx, call, params as never, requestId);
    const { stream: _stream, ...identifying } = params;
    const { result } = this.ctx.ledger.run(
      {
        userId: call.identity.userId,
        scope: typeof params.sessionId === 'string' ? params.sessionId : '',
        requestId,
        fingerprint: fingerprint(op, identifying),
      },
      (tell) => handler(this.ctx, { ...call, onOutput: tell }, params as never, requestId),
      call.onOutput,
    );
    return result;
  }
}
