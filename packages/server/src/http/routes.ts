import { type OperationName } from '@vth/protocol';

/** Where a route's operation parameters come from. */
type Source = 'body' | 'query';

/** One HTTP route of the API: the operation it runs and how the request maps to its parameters. */
export interface RouteSpec {
  /** The HTTP method. */
  method: 'GET' | 'POST' | 'DELETE' | 'PATCH';
  /** fastify syntax: `/v1/sessions/:sessionId`. */
  url: string;
  /** The `vth.v1` operation it runs, the same as over the socket. */
  op: OperationName;
  /** Body (POST/PATCH) or query string (GET/DELETE) fields, besides the path's. */
  from: Source;
  /** The whole body is this parameter (an experiment spec) rather than the parameters themselves. */
  bodyAs?: string;
}

/**
 * The HTTP API: one route per operation. Mutating routes need a request id — the `Idempotency-Key`
 * header, or `requestId` in the body or query — and answer a retry with the first result.
 */
export const ROUTES: readonly RouteSpec[] = [
  { method: 'POST', url: '/v1/sessions', op: 'session.create', from: 'body' },
  { method: 'GET', url: '/v1/sessions', op: 'session.list', from: 'query' },
  { method: 'GET', url: '/v1/sessions/:sessionId', op: 'session.get', from: 'query' },
  { method: 'DELETE', url: '/v1/sessions/:sessionId', op: 'session.destroy', from: 'query' },
  { method: 'POST', url: '/v1/sessions/:sessionId/execute', op: 'command.execute', from: 'body' },
  { method: 'POST', url: '/v1/sessions/:sessionId/batch', op: 'command.batch', from: 'body' },
  { method: 'GET', url: '/v1/commands/:handle/output', op: 'command.read', from: 'query' },
  { method: 'POST', url: '/v1/commands/:handle/wait', op: 'command.wait', from: 'body' },
  { method: 'POST', url: '/v1/sessions/:sessionId/input', op: 'session.input', from: 'body' },
  { method: 'POST', url: '/v1/sessions/:sessionId/interrupt', op: 'session.interrupt', from: 'body' },
  { method: 'GET', url: '/v1/sessions/:sessionId/capture', op: 'session.capture', from: 'query' },
  { method: 'POST', url: '/v1/sessions/:sessionId/resize', op: 'session.resize', from: 'body' },
  { method: 'GET', url: '/v1/health', op: 'backend.health', from: 'query' },
  { method: 'POST', url: '/v1/attach-tokens', op: 'token.attach', from: 'body' },
  { method: 'GET', url: '/v1/admin/backends', op: 'admin.backends.list', from: 'query' },
  { method: 'GET', url: '/v1/admin/backends/:backendId', op: 'admin.backends.health', from: 'query' },
  { method: 'POST', url: '/v1/admin/backends/:backendId/drain', op: 'admin.backends.drain', from: 'body' },
  {
    method: 'POST',
    url: '/v1/admin/backends/:backendId/undrain',
    op: 'admin.backends.undrain',
    from: 'body',
  },
  { method: 'POST', url: '/v1/admin/backends/:backendId/swap', op: 'admin.backends.swap', from: 'body' },
  { method: 'GET', url: '/v1/admin/experiments', op: 'admin.experiments.list', from: 'query' },
  {
    method: 'POST',
    url: '/v1/admin/experiments',
    op: 'admin.experiments.start',
    from: 'body',
    bodyAs: 'spec',
  },
  { method: 'GET', url: '/v1/admin/experiments/:name', op: 'admin.experiments.report', from: 'query' },
  { method: 'PATCH', url: '/v1/admin/experiments/:name', op: 'admin.experiments.update', from: 'body' },
  { method: 'POST', url: '/v1/admin/experiments/:name/stop', op: 'admin.experiments.stop', from: 'body' },
  { method: 'GET', url: '/v1/admin/sessions', op: 'admin.sessions.list', from: 'query' },
  { method: 'DELETE', url: '/v1/admin/sessions/:sessionId', op: 'admin.sessions.close', from: 'query' },
  { method: 'GET', url: '/v1/admin/metrics', op: 'admin.metrics', from: 'query' },
];

/** Query string values are text: numbers and booleans the operations expect are read as such. */
export function coerceQuery(query: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(query)) {
    if (k === 'requestId') continue;
    out[k] = /^\d+$/.test(v) && v.length < 16 ? Number(v) : v === 'true' ? true : v === 'false' ? false : v;
  }
  return out;
}
