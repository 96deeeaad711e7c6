import { type ITerminalBackend } from '@vth/core';
import { type FastifyInstance, type FastifyReply } from 'fastify';
import { type Authenticator } from '../auth/authenticator';
import { type ServerMetrics } from '../observability/server-metrics';
import { type ServerConfig } from '../server-config';
import { openApiDocument } from './openapi';

export interface EndpointDeps {
  auth: Authenticator;
  config: ServerConfig;
  metrics: ServerMetrics;
  raw: ITerminalBackend;
  version: string;
  secure: boolean;
  closing: () => boolean;
  /** Paths under this prefix (static assets) answer without authentication. */
  publicPrefix?: string;
}

const PUBLIC = new Set(['/healthz', '/readyz', '/openapi.json']);

/**
 * What every request goes through — the Host and Origin checks, authentication (except the public
 * endpoints), CORS for allowed origins, errors as `{ ok: false, error }` — and the operations endpoints:
 * `/healthz`, `/readyz`, `/metrics`, `/openapi.json`.
 */
export function registerOperationsEndpoints(app: FastifyInstance, deps: EndpointDeps): void {
  const { auth, config } = deps;
  const allowedOrigins = new Set(config.auth.allowedOrigins.map((o) => o.toLowerCase()));
  const refuse = (reply: FastifyReply, status: number, code: string, message: string) =>
    reply.code(status).send({ ok: false, error: { code, message, dispatched: false } });
  app.decorateRequest('identity', null);
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin && allowedOrigins.has(origin.toLowerCase())) {
      void reply.header('access-control-allow-origin', origin);
      void reply.header('vary', 'Origin');
      void reply.header('access-control-allow-headers', 'authorization, content-type, idempotency-key');
      void reply.header('access-control-allow-methods', 'GET, POST, PATCH, DELETE');
    }
    const path = request.url.split('?')[0]!;
    const who = auth.authenticate({
      authorization: request.headers.authorization,
      origin,
      host: request.headers.host,
      remoteAddress: request.socket.remoteAddress,
      secure: deps.secure,
    });
    if (request.method === 'OPTIONS' && origin && allowedOrigins.has(origin.toLowerCase()))
      return reply.code(204).send();
    if ('status' in who) {
      // Public endpoints answer anyone who names this server, from an allowed origin.
      const open = PUBLIC.has(path) || (deps.publicPrefix !== undefined && isUnder(path, deps.publicPrefix));
      if (open && who.code === 'AUTH_FAILED') return;
      if (path === '/metrics' && config.metrics.public && who.code === 'AUTH_FAILED') return;
      return refuse(reply, who.status, who.code, who.message);
    }
    request.identity = who;
  });
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    return refuse(reply, status, status === 500 ? 'INTERNAL' : 'INVALID_INPUT', error.message);
  });
  app.setNotFoundHandler((request, reply) =>
    refuse(reply, 404, 'INVALID_INPUT', `no route ${request.method} ${request.url.split('?')[0]}`),
  );

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    if (deps.closing()) return reply.code(503).send({ ready: false, reason: 'the server is closing' });
    const health = await deps.raw.getHealth();
    const ready = health.status !== 'unhealthy';
    return reply
      .code(ready ? 200 : 503)
      .send({ ready, status: health.status, ...(health.message ? { message: health.message } : {}) });
  });
  app.get('/metrics', async (request, reply) => {
    if (!config.metrics.public && request.identity?.role !== 'admin')
      return refuse(reply, 403, 'FORBIDDEN', '/metrics needs the admin role (or metrics.public)');
    const body = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(body);
  });
  const document = openApiDocument(deps.version);
  app.get('/openapi.json', async () => document);
}

/** `/dashboard` and `/dashboard/...` are under `/dashboard/` (a prefix is never `/` alone). */
function isUnder(path: string, prefix: string): boolean {
  return prefix.length > 1 && (path.startsWith(prefix) || path === prefix.slice(0, -1));
}
