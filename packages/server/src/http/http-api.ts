import { randomUUID } from 'node:crypto';
import { type BackendResult } from '@vth/core';
import { OPERATIONS, requestIdSchema } from '@vth/protocol';
import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { type Identity } from '../auth/identity';
import { type OperationRunner } from '../requests/operation-runner';
import { httpStatusOf } from './http-status';
import { coerceQuery, ROUTES, type RouteSpec } from './routes';

declare module 'fastify' {
  interface FastifyRequest {
    identity: Identity | null;
  }
}

function failure(reply: FastifyReply, code: string, message: string) {
  return reply.code(httpStatusOf(code)).send({ ok: false, error: { code, message, dispatched: false } });
}

function requestIdOf(
  request: FastifyRequest,
  body: Record<string, unknown>,
  query: Record<string, string>,
): unknown {
  const header = request.headers['idempotency-key'];
  return (Array.isArray(header) ? header[0] : header) ?? body.requestId ?? query.requestId;
}

/** Registers one route per operation (see `ROUTES`), each running through the shared operation runner. */
export function registerHttpApi(app: FastifyInstance, runner: OperationRunner): void {
  for (const route of ROUTES) {
    app.route({
      method: route.method,
      url: route.url,
      handler: (req, reply) => handle(route, runner, req, reply),
    });
  }
}

async function handle(
  route: RouteSpec,
  runner: OperationRunner,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const identity = request.identity!;
  const query = (request.query ?? {}) as Record<string, string>;
  const rawBody = request.body ?? {};
  if (route.from === 'body' && (typeof rawBody !== 'object' || Array.isArray(rawBody)))
    return failure(reply, 'INVALID_INPUT', 'the body must be a JSON object');
  const body = rawBody as Record<string, unknown>;
  const spec = OPERATIONS[route.op];
  const given = requestIdOf(request, route.bodyAs ? {} : body, query);
  let requestId: string;
  if (given === undefined) {
    if (spec.mutating)
      return failure(
        reply,
        'INVALID_INPUT',
        `${route.op} changes something: give a request id (Idempotency-Key header, or requestId)`,
      );
    requestId = randomUUID();
  } else {
    const checked = requestIdSchema.safeParse(given);
    if (!checked.success)
      return failure(reply, 'INVALID_INPUT', `invalid request id: ${checked.error.issues[0]?.message ?? ''}`);
    requestId = checked.data;
  }
  const { requestId: _r, ...fields } =
    route.from === 'body' ? (route.bodyAs ? { [route.bodyAs]: body } : body) : coerceQuery(query);
  const params = { ...fields, ...(request.params as Record<string, string>) };
  if (params.stream !== true) {
    const result = await runner.run({ identity, transport: 'http' }, route.op, params, requestId);
    return send(reply, result);
  }
  // Streamed: NDJSON lines as things happen, then the result line; the status is 200 whatever the result.
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
  const line = (v: unknown) => {
    if (!res.writableEnded) res.write(`${JSON.stringify(v)}\n`);
  };
  const result = await runner.run(
    {
      identity,
      transport: 'http',
      onOutput: (data) => line({ type: 'output', data }),
      onProgress: (event, data) => line({ type: 'progress', event, data }),
    },
    route.op,
    params,
    requestId,
  );
  line(
    result.ok
      ? { type: 'result', ok: true, value: result.value ?? null }
      : { type: 'result', ok: false, error: result.error.toJSON() },
  );
  res.end();
}

function send(reply: FastifyReply, result: BackendResult<unknown>) {
  if (result.ok) return reply.code(200).send({ ok: true, value: result.value ?? null });
  const retryAfter = result.error.details?.retryAfterMs;
  if (result.error.code === 'RATE_LIMITED' && typeof retryAfter === 'number')
    void reply.header('retry-after', String(Math.ceil(retryAfter / 1000)));
  return reply.code(httpStatusOf(result.error.code)).send({ ok: false, error: result.error.toJSON() });
}
