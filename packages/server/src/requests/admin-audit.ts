import { type BackendResult } from '@vth/core';
import { AuditLog, type AuditSink } from '@vth/security';
import { type Identity } from '../auth/identity';

/** One admin change, as the event stream reports it (the audit sink gets an `AuditRecord`). */
export interface AdminAction {
  /** The admin operation, e.g. `admin.drain`. */
  op: string;
  /** Who asked (from the token). */
  userId: string;
  /** The request's idempotency key. */
  requestId: string;
  /** What it acted on: the `backendId`, `name` or `sessionId` parameter, the first present. */
  target?: string;
  /** Whether the operation succeeded. */
  ok: boolean;
  /** The `BackendError` code when it failed. */
  errorCode?: string;
  /** How long the operation took. */
  durationMs: number;
}

/**
 * Audits every change made through the admin API (drain, swap, experiments, closing sessions) to the
 * server's audit sink, as `@vth/security` audit records (`source: 'admin'`, the operation and its
 * parameters as the redacted `command`), and tells the event stream.
 *
 * @example
 * ```ts
 * const audit = new AdminAudit(new JsonLinesFileSink('/var/log/vth-admin.jsonl'), (a) => events.publish('admin-action', a));
 * ```
 */
export class AdminAudit {
  private readonly log: AuditLog | undefined;

  constructor(
    sink: AuditSink | undefined,
    private readonly announce: (action: AdminAction) => void,
    private readonly backend: () => { id: string; type: string },
  ) {
    this.log = sink ? new AuditLog({ sink, coalesceWindowMs: 0 }) : undefined;
  }

  async record<T>(
    identity: Identity,
    requestId: string,
    op: string,
    params: Record<string, unknown>,
    call: () => Promise<BackendResult<T>>,
  ): Promise<BackendResult<T>> {
    const started = performance.now();
    const result = await call();
    const durationMs = performance.now() - started;
    const target =
      typeof params.backendId === 'string'
        ? params.backendId
        : typeof params.name === 'string'
          ? params.name
          : typeof params.sessionId === 'string'
            ? params.sessionId
            : undefined;
    const { id, type } = this.backend();
    this.log?.record({
      time: new Date().toISOString(),
      backendId: typeof params.backendId === 'string' ? params.backendId : id,
      backendType: type,
      requestId,
      userId: identity.userId,
      source: 'admin',
      sessionId: typeof params.sessionId === 'string' ? params.sessionId : '',
      command: `${op} ${JSON.stringify(params)}`,
      outcome: result.ok ? 'completed' : 'error',
      exitCode: null,
      durationMs,
      ...(result.ok ? {} : { errorCode: result.error.code, reason: result.error.message }),
    });
    this.announce({
      op,
      userId: identity.userId,
      requestId,
      ...(target === undefined ? {} : { target }),
      ok: result.ok,
      ...(result.ok ? {} : { errorCode: result.error.code }),
      durationMs,
    });
    return result;
  }

  /** Writes what is pending; the sink stays open (its owner closes it). */
  flush(): Promise<void> {
    return this.log?.flush() ?? Promise.resolve();
  }
}
