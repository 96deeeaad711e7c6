import { experimentSpecSchema, backendSpecSchema } from '@vth/manager';
import { OPERATION_VALUES, OPERATIONS, wireErrorSchema, type OperationName } from '@vth/protocol';
import { z } from 'zod';
import { ROUTES } from './routes';

type JsonSchema = Record<string, unknown>;

const json = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

/** The manager's own schemas, where the protocol only says "an object": the API checks them. */
function paramsSchema(op: OperationName): JsonSchema {
  const base = json(OPERATIONS[op].params, 'input') as { properties?: Record<string, JsonSchema> };
  if (op === 'admin.experiments.start' || op === 'admin.backends.swap') {
    const spec = op === 'admin.experiments.start' ? experimentSpecSchema : backendSpecSchema;
    base.properties = { ...base.properties, spec: json(spec, 'input') };
  }
  return base as JsonSchema;
}

function resultSchema(op: OperationName): JsonSchema {
  const value = (OPERATION_VALUES as Partial<Record<OperationName, z.ZodType>>)[op];
  return {
    type: 'object',
    properties: { ok: { const: true }, value: value ? json(value, 'output') : {} },
    required: ['ok', 'value'],
  };
}

/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the same zod schemas the server validates
 * with (served at `/openapi.json`). Each operation also exists over the WebSocket as a `request` message
 * with the same parameters.
 */
export function openApiDocument(version: string): JsonSchema {
  const errorResponse = {
    description: 'The operation failed: a BackendError (code, message, dispatched, details)',
    content: {
      'application/json': {
        schema: {
          type: 'object',
          properties: { ok: { const: false }, error: json(wireErrorSchema, 'output') },
          required: ['ok', 'error'],
        },
      },
    },
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const spec = OPERATIONS[route.op];
    const path = route.url.replace(/:(\w+)/g, '{$1}');
    const pathParams = [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]!);
    const params = paramsSchema(route.op) as { properties?: Record<string, JsonSchema>; required?: string[] };
    const parameters: unknown[] = pathParams.map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: params.properties?.[name] ?? { type: 'string' },
    }));
    if (spec.mutating)
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          'The request id (or `requestId` in the body or query): required; a retry with it gets the first answer and never runs twice',
        schema: { type: 'string', maxLength: 128 },
      });
    const rest = Object.entries(params.properties ?? {}).filter(([k]) => !pathParams.includes(k));
    if (route.from === 'query')
      for (const [name, schema] of rest)
        parameters.push({ name, in: 'query', required: params.required?.includes(name) ?? false, schema });
    const body =
      route.from === 'body'
        ? route.bodyAs
          ? params.properties?.[route.bodyAs]
          : {
              type: 'object',
              properties: Object.fromEntries(rest),
              required: (params.required ?? []).filter((r) => !pathParams.includes(r)),
            }
        : undefined;
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      operationId: route.op,
      summary: spec.summary,
      tags: [spec.admin ? 'admin' : route.op.split('.')[0]],
      ...(spec.admin ? { description: 'Needs the admin role.' } : {}),
      parameters,
      ...(body
        ? {
            requestBody: {
              required: !route.bodyAs ? false : true,
              content: { 'application/json': { schema: body } },
            },
          }
        : {}),
      responses: {
        '200': {
          description: 'Done; with `stream: true`, NDJSON lines (`output`/`progress`, then `result`)',
          content: { 'application/json': { schema: resultSchema(route.op) } },
        },
        default: errorResponse,
      },
    };
  }
  const plain = (summary: string) => ({
    get: { summary, security: [], responses: { '200': { description: 'OK' } } },
  });
  paths['/healthz'] = plain('Alive');
  paths['/readyz'] = {
    get: {
      summary: 'Ready: the backend can take a session (503 otherwise)',
      security: [],
      responses: { '200': { description: 'Ready' }, '503': { description: 'Not ready' } },
    },
  };
  paths['/metrics'] = {
    get: {
      summary: 'Prometheus metrics (admin, unless metrics.public)',
      responses: { '200': { description: 'text/plain exposition format' } },
    },
  };
  paths['/openapi.json'] = plain('This document');
  return {
    openapi: '3.1.0',
    info: {
      title: 'vth server',
      version,
      description:
        'Sessions of an ITerminalBackend over HTTP. The same operations, live terminals (attach, binary output frames with byte offsets) and the event stream are on the WebSocket at /v1/ws (subprotocol vth.v1).',
    },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A configured token, or a signed attach token',
        },
      },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
