import { readFileSync } from 'node:fs';
import { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fail, ok, type BackendResult, type ITerminalBackend } from '@vth/core';
import { parseInput } from '@vth/core/kit';
import { OPERATIONS, PROTOCOL_V1, type HelloMessage } from '@vth/protocol';
import {
  createCommandGuard,
  guardBackend,
  JsonLinesFileSink,
  type AuditSink,
  type CommandGuard,
  type GuardBackendOptions,
} from '@vth/security';
import Fastify, { type FastifyInstance } from 'fastify';
import { AttachTokens } from './auth/attach-tokens';
import { Authenticator } from './auth/authenticator';
import { registerHttpApi } from './http/http-api';
import { registerOperationsEndpoints } from './http/operations-endpoints';
import { registerStaticAssets, staticPrefix, type StaticAssetsOptions } from './http/static-assets';
import { asManager } from './manager-view';
import { registerAlertsRoute, streamAlerts, type AlertFeed } from './observability/alert-feed';
import { EventHub } from './observability/event-hub';
import { metricsSnapshot } from './observability/metrics-snapshot';
import { ServerMetrics } from './observability/server-metrics';
import { AdminAudit } from './requests/admin-audit';
import { type OperationContext } from './requests/operation-context';
import { OperationRunner } from './requests/operation-runner';
import { RequestLedger } from './requests/request-ledger';
import { serverConfigSchema, type ServerConfig, type ServerConfigInput } from './server-config';
import { MetricsTopic } from './socket/metrics-topic';
import { SocketServer } from './socket/socket-server';
import { SessionRegistry } from './stream/session-registry';

/** What `createServer` needs: the backend to serve, and optionally settings, security and feeds. */
export interface CreateServerOptions {
  /** What the server serves: any backend, normally a `BackendManager` (which adds the admin API). */
  backend: ITerminalBackend;
  /** The settings (`serverConfigSchema`); defaults serve 127.0.0.1:7700 to local clients. */
  config?: ServerConfigInput;
  /**
   * Rate limits, command policy and audit of `@vth/security`, per user (the token's), in front of every
   * call the server makes: options for `guardBackend`, or a prepared guard. Default: built from
   * `config.security` when it is set.
   */
  security?: GuardBackendOptions | CommandGuard;
  /**
   * Where admin changes (drain, swap, experiments, closed sessions) are audited; also gets the command
   * records of `config.security`. Default: `config.security.audit.file`, when set.
   */
  audit?: AuditSink;
  /**
   * Serve a directory of browser assets (normally `@vth/dashboard`'s `dashboardAssetsDir`) under `path`
   * (default `/dashboard`), without authentication: the files hold no data. Default: none.
   */
  staticAssets?: StaticAssetsOptions;
  /**
   * Alerts to show (an `AlertEngine` of `@vth/alerting`, or anything of that shape): each firing and
   * resolution goes on the `events` topic (`alert-fired`, `alert-resolved`; admins), and admins read the
   * lists at `GET /v1/admin/alerts`. The feed stays yours: the server only listens.
   */
  alerts?: AlertFeed;
}

/** A running (or ready to run) server. */
export interface VthServer {
  /** Starts listening. Resolves with the address (the port chosen, for `port: 0`). */
  listen(): Promise<BackendResult<{ host: string; port: number; url: string }>>;
  /** Closes every connection (1001), stops listening, releases its timers. The backend stays up: it is yours. */
  close(): Promise<void>;
  /** The settings in force: `options.config` checked, every default filled in. */
  readonly config: ServerConfig;
  /** The fastify instance (to add routes; `inject` in tests). */
  readonly app: FastifyInstance;
  /** The Prometheus registry behind `/metrics`. */
  readonly metrics: ServerMetrics;
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return '0.0.0';
  }
}

/**
 * A vth server over `backend`: HTTP API, WebSocket (`vth.v1`: live terminals, operations, events),
 * Prometheus metrics, health and readiness, an OpenAPI document. Validates its config
 * (`INVALID_CONFIG` naming each bad path) and never throws.
 *
 * @example
 * ```ts
 * const created = createServer({ backend: manager, config: { port: 7700 } });
 * if (!created.ok) throw created.error;
 * const address = await created.value.listen();
 * // ... later
 * await created.value.close();
 * await manager.shutdown();
 * ```
 */
export function createServer(options: CreateServerOptions): BackendResult<VthServer> {
  const parsed = parseInput(serverConfigSchema, options.config ?? {}, 'server', 'INVALID_CONFIG');
  if (!parsed.ok) return parsed;
  const config = parsed.value;
  const assetsPrefix = options.staticAssets ? staticPrefix(options.staticAssets) : undefined;
  if (options.staticAssets && assetsPrefix === undefined)
    return fail(
      'INVALID_CONFIG',
      `staticAssets.path: "${options.staticAssets.path}" must be a path like /dashboard (not /, not under /v1)`,
      { dispatched: false },
    );
  let https: { cert: Buffer; key: Buffer } | undefined;
  if (config.tls) {
    try {
      https = { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) };
    } catch (e) {
      return fail(
        'INVALID_CONFIG',
        `server.tls: cannot read the certificate or key: ${e instanceof Error ? e.message : String(e)}`,
        {
          dispatched: false,
        },
      );
    }
  }
  const raw = options.backend;
  // A file sink the server opened itself is closed with it; one given in the options is the caller's.
  const ownSink =
    !options.audit && config.security?.audit?.file !== undefined
      ? new JsonLinesFileSink(config.security.audit.file, {
          ...(config.security.audit.mode === undefined ? {} : { mode: config.security.audit.mode }),
        })
      : undefined;
  const auditSink = options.audit ?? ownSink;
  const guard =
    options.security ??
    (config.security
      ? createCommandGuard(
          {
            ...config.security,
            ...(config.security.audit ? { audit: { ...config.security.audit, file: undefined } } : {}),
          },
          { backendId: () => raw.id, backendType: () => raw.type, ...(auditSink ? { sink: auditSink } : {}) },
        )
      : undefined);
  const backend = guard ? guardBackend(raw, guard) : raw;
  const manager = asManager(raw);
  const version = packageVersion();
  // Before the registry: a closing session's owner must still be known when its event is published.
  const events = new EventHub(raw, config.events.backlog, (id) => registry.get(id)?.owner);
  const metrics = new ServerMetrics(raw, manager, config.metrics);
  const registry = new SessionRegistry(backend, raw, {
    stream: {
      ringBytes: config.ring.bytes,
      highWatermark: config.flow.highWatermark,
      lowWatermark: config.flow.lowWatermark,
      maxFrameBytes: config.limits.maxFrameBytes,
      maxSocketBuffer: config.flow.highWatermark * 4,
    },
    unattachedGraceMs: config.sessions.unattachedGraceMs,
    reap: (id) => {
      events.publish('session-reaped', { sessionId: id, graceMs: config.sessions.unattachedGraceMs });
      void backend.destroySession(id).then(() => registry.forget(id, 'reaped'));
    },
    onSkip: () => metrics.viewerSkips.inc(),
    onPause: () => metrics.writerPauses.inc(),
  });
  const attachTokens = new AttachTokens(config.auth.attachTokenSecret);
  const experiments = new Set<string>();
  raw.on('experiment-started' as never, ((e: { name: string }) => experiments.add(e.name)) as never);
  const serverFigures = () => ({
    connections: socketServer.size,
    attachments: registry.all().reduce((n, s) => n + s.attachments, 0),
    sessions: registry.all().length,
  });
  const snapshot = () => metricsSnapshot(raw, manager, serverFigures());
  const ctx: OperationContext = {
    config,
    backend,
    raw,
    manager,
    registry,
    ledger: new RequestLedger({ perScope: config.sessions.requestsRemembered }),
    attachTokens,
    audit: new AdminAudit(
      options.audit,
      (action) => events.publish('admin-action', action),
      () => ({ id: raw.id, type: raw.type }),
    ),
    metricsSnapshot: snapshot,
    experiments,
  };
  const runner = new OperationRunner(ctx, (op, transport, result, ms) => {
    // The op comes from the client: an unknown one is counted under one label, so no client can grow the
    // metrics without bound.
    const known = Object.hasOwn(OPERATIONS, op) ? op : 'unknown';
    metrics.request(known, transport, result.ok ? 'ok' : result.error.code, ms / 1000);
  });
  const auth = new Authenticator(config, attachTokens);
  const metricsTopic = new MetricsTopic(config.events.metricsIntervalMs, snapshot);
  const hello = (identity: { userId: string; role: 'user' | 'admin' }): HelloMessage => ({
    type: 'hello',
    protocol: PROTOCOL_V1,
    server: { name: 'vth', version },
    user: { id: identity.userId, role: identity.role },
    backend: { id: raw.id, type: raw.type, capabilities: raw.capabilities },
    heartbeat: config.heartbeat,
    flow: {
      highWatermark: config.flow.highWatermark,
      lowWatermark: config.flow.lowWatermark,
      ackEveryBytes: Math.max(1024, Math.floor(config.flow.lowWatermark / 2)),
    },
    limits: { maxMessageBytes: config.limits.maxMessageBytes, maxFrameBytes: config.limits.maxFrameBytes },
  });
  const socketServer = new SocketServer(
    auth,
    { config, ctx, runner, events, metricsTopic, metrics, hello },
    https !== undefined,
  );
  const app = Fastify({
    logger: false,
    bodyLimit: config.limits.maxMessageBytes,
    ...(https ? { https } : {}),
  }) as unknown as FastifyInstance;
  let closing = false;
  registerOperationsEndpoints(app, {
    auth,
    config,
    metrics,
    raw,
    version,
    secure: https !== undefined,
    closing: () => closing,
    ...(assetsPrefix === undefined ? {} : { publicPrefix: `${assetsPrefix}/` }),
  });
  registerHttpApi(app, runner);
  if (options.staticAssets) registerStaticAssets(app, options.staticAssets);
  if (options.alerts) registerAlertsRoute(app, options.alerts);
  const stopAlerts = options.alerts
    ? streamAlerts(options.alerts, (name, data) => events.publish(name, data))
    : undefined;
  app.server.on('upgrade', (request, socket, head) => {
    if (closing) socket.destroy();
    else socketServer.handleUpgrade(request, socket, head);
  });
  let closed: Promise<void> | undefined;
  const server: VthServer = {
    config,
    app,
    metrics,
    async listen() {
      try {
        await app.listen({ host: config.host, port: config.port });
      } catch (e) {
        return fail(
          'UNAVAILABLE',
          `cannot listen on ${config.host}:${config.port}: ${e instanceof Error ? e.message : String(e)}`,
          {
            dispatched: false,
          },
        );
      }
      const address = app.server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return ok({
        host: address.address,
        port: address.port,
        url: `${https ? 'https' : 'http'}://${host}:${address.port}`,
      });
    },
    close() {
      closed ??= (async () => {
        closing = true;
        await socketServer.close();
        metricsTopic.stop();
        stopAlerts?.();
        registry.dispose();
        events.dispose();
        metrics.dispose();
        await ctx.audit.flush();
        await app.close();
        await ownSink?.close();
      })();
      return closed;
    },
  };
  return ok(server);
}
