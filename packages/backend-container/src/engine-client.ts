import * as http from 'node:http';
import * as https from 'node:https';
import { type Socket } from 'node:net';
import { type Duplex } from 'node:stream';
import { type BackendError, fail, ok, type BackendResult } from '@vth/core';
import { dialOverSsh, type EngineEndpoint } from './engine-endpoint';

/** What an `EngineClient` talks to, and how patiently. */
export interface EngineClientOptions {
  /** Where the engine listens, as `parseDockerHost` reads it (over SSH, each connection is an `ssh` process). */
  endpoint: EngineEndpoint;
  /** How long one API call may take. */
  timeoutMs: number;
  /** Stamped on every error the client returns (`BackendError.backendId`). */
  backendId: string;
}

export interface EngineResponse {
  status: number;
  body: unknown;
  headers: http.IncomingHttpHeaders;
}

/**
 * The Engine API versions vth speaks. 1.41 is Docker Engine 20.10 (Debian 12) and what Podman answers;
 * 1.52 is Docker Engine 29, which refuses anything below 1.44. The calls vth makes (ping, version, info,
 * image inspect, container list/create/attach/start/resize/inspect/remove) are the same across that range.
 */
export const ENGINE_API = { min: '1.41', max: '1.52' } as const;

/** `a` compared with `b`, as `major.minor` API versions: negative, 0 or positive. */
export function compareApiVersions(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am - bm || an - bn;
}

const UPGRADE_ENGINE = 'upgrade the Docker Engine (20.10 or later) or Podman (4 or later)';

/**
 * A small client for the Docker Engine API (also Podman's compatible API): JSON requests and the hijacked
 * stream of `attach`, over a unix socket, TCP (with TLS) or SSH (`docker system dial-stdio`). Every failure
 * is a `BackendResult`: an engine that does not answer is `UNAVAILABLE`, at once for a refused connection.
 *
 * @example
 * ```ts
 * const engine = new EngineClient({ endpoint: parseDockerHost('unix:///var/run/docker.sock')!, ... });
 * const version = await engine.json('GET', '/version');
 * ```
 */
export class EngineClient {
  private readonly opts: EngineClientOptions;
  private readonly agent: http.Agent | undefined;
  private version: string | null = null;
  private negotiating: Promise<BackendResult<string>> | null = null;

  constructor(options: EngineClientOptions) {
    this.opts = options;
    // Keep-alive saves a connect per call on TCP; unix sockets are cheap to open, SSH gets a process each.
    this.agent =
      options.endpoint.kind === 'tcp'
        ? new (options.endpoint.tls ? https.Agent : http.Agent)({ keepAlive: true })
        : undefined;
  }

  /** The API version every call uses: `null` until negotiated (the first call negotiates). */
  get apiVersion(): string | null {
    return this.version;
  }

  /**
   * Pings the engine (`GET /_ping`, unversioned: every engine answers it) and settles the API version of
   * every later call: the lower of the engine's (its `API-Version` header) and ours. An engine below
   * {@link ENGINE_API}.min is `UNAVAILABLE`, with a hint in `details.hint`. Called again (a health probe),
   * it follows an engine that was upgraded or downgraded meanwhile.
   */
  negotiate(): Promise<BackendResult<string>> {
    this.negotiating ??= this.ping().finally(() => (this.negotiating = null));
    return this.negotiating;
  }

  /** A JSON call. Non-2xx answers are errors carrying the engine's message. */
  async json<T = unknown>(method: string, path: string, body?: unknown): Promise<BackendResult<T>> {
    const version = await this.ensureVersion();
    if (!version.ok) return version;
    const res = await this.call(method, `/v${version.value}${path}`, body);
    if (!res.ok) return res;
    const { status, body: payload } = res.value;
    if (status >= 200 && status < 300) return ok(payload as T);
    return this.engineError(status, payload, `${method} ${path}`);
  }

  /**
   * Opens a hijacked stream (`attach`, `exec start`): the raw bidirectional stream of the container's
   * terminal once the engine has switched protocols.
   */
  async hijack(path: string, body?: unknown): Promise<BackendResult<Duplex>> {
    const version = await this.ensureVersion();
    if (!version.ok) return version;
    return new Promise((resolve) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = this.request('POST', `/v${version.value}${path}`, {
        Connection: 'Upgrade',
        Upgrade: 'tcp',
        ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) } : {}),
      });
      const timer = setTimeout(
        () => req.destroy(new Error(`no answer within ${this.opts.timeoutMs} ms`)),
        this.opts.timeoutMs,
      );
      req.on('upgrade', (_res, socket: Socket, head: Buffer) => {
        clearTimeout(timer);
        socket.setNoDelay?.(true);
        if (head.length > 0) socket.unshift(head);
        resolve(ok(socket));
      });
      req.on('response', (res) => {
        clearTimeout(timer);
        collect(res).then((text) =>
          resolve(this.engineError(res.statusCode ?? 0, parseJson(text), `attach ${path}`)),
        );
      });
      req.on('error', (e) => {
        clearTimeout(timer);
        resolve(this.unreachable(e));
      });
      req.end(payload);
    });
  }

  /**
   * A call whose answer is a stream of JSON lines (`POST /images/create`): `onLine` gets each parsed line
   * as it arrives; resolves when the stream ends. The time limit covers the engine's first answer only, so
   * a long pull is not cut short. A non-2xx answer is an error carrying the engine's message.
   */
  async jsonLines(
    method: string,
    path: string,
    onLine: (line: unknown) => void,
  ): Promise<BackendResult<void>> {
    const version = await this.ensureVersion();
    if (!version.ok) return version;
    return new Promise((resolve) => {
      const req = this.request(method, `/v${version.value}${path}`, {});
      const timer = setTimeout(
        () => req.destroy(new Error(`no answer within ${this.opts.timeoutMs} ms`)),
        this.opts.timeoutMs,
      );
      req.on('response', (res) => {
        clearTimeout(timer);
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          collect(res).then(
            (text) => resolve(this.engineError(status, parseJson(text), `${method} ${path}`)),
            (e: Error) => resolve(this.unreachable(e)),
          );
          return;
        }
        let pending = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          pending += chunk;
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          for (const line of lines) if (line.trim() !== '') onLine(parseJson(line));
        });
        res.on('end', () => {
          if (pending.trim() !== '') onLine(parseJson(pending));
          resolve(ok(undefined));
        });
        res.on('error', (e) => resolve(this.unreachable(e)));
      });
      req.on('error', (e) => {
        clearTimeout(timer);
        resolve(this.unreachable(e));
      });
      req.end();
    });
  }

  /**
   * Closes the idle keep-alive connections of a TCP engine, which would otherwise keep the process alive;
   * streams opened with `hijack` are not touched (their owner ends them). Call it when done with the client.
   */
  close(): void {
    this.agent?.destroy();
  }

  private ensureVersion(): Promise<BackendResult<string>> {
    return this.version ? Promise.resolve(ok(this.version)) : this.negotiate();
  }

  private async ping(): Promise<BackendResult<string>> {
    const res = await this.call('GET', '/_ping');
    if (!res.ok) return res;
    const { status, body, headers } = res.value;
    if (status < 200 || status >= 300) return this.engineError(status, body, 'GET /_ping');
    const header = headers['api-version'];
    const engine = typeof header === 'string' && /^\d+\.\d+$/.test(header) ? header : null;
    const where = describe(this.opts.endpoint);
    if (engine === null || compareApiVersions(engine, ENGINE_API.min) < 0) {
      return fail(
        'UNAVAILABLE',
        `the engine at ${where} speaks Engine API ${engine ?? '(it did not say which)'}; vth needs ${ENGINE_API.min} or later`,
        {
          backendId: this.opts.backendId,
          dispatched: false,
          details: { hint: UPGRADE_ENGINE, engineApi: engine },
        },
      );
    }
    this.version = compareApiVersions(engine, ENGINE_API.max) < 0 ? engine : ENGINE_API.max;
    return ok(this.version);
  }

  private call(method: string, path: string, body?: unknown): Promise<BackendResult<EngineResponse>> {
    return new Promise((resolve) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = this.request(
        method,
        path,
        payload ? { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) } : {},
      );
      const timer = setTimeout(
        () => req.destroy(new Error(`no answer within ${this.opts.timeoutMs} ms`)),
        this.opts.timeoutMs,
      );
      req.on('response', (res) => {
        collect(res).then(
          (text) => {
            clearTimeout(timer);
            resolve(ok({ status: res.statusCode ?? 0, body: parseJson(text), headers: res.headers }));
          },
          (e: Error) => {
            clearTimeout(timer);
            resolve(this.unreachable(e));
          },
        );
      });
      req.on('error', (e) => {
        clearTimeout(timer);
        resolve(this.unreachable(e));
      });
      req.end(payload);
    });
  }

  private request(method: string, path: string, headers: Record<string, string>): http.ClientRequest {
    const { endpoint } = this.opts;
    const common = { method, path, headers: { Host: 'docker', ...headers } };
    switch (endpoint.kind) {
      case 'unix':
        return http.request({ ...common, socketPath: endpoint.socketPath });
      case 'tcp':
        return (endpoint.tls ? https : http).request({
          ...common,
          host: endpoint.host,
          port: endpoint.port,
          agent: this.agent,
          ...(endpoint.tls ?? {}),
        });
      case 'ssh':
        return http.request({
          ...common,
          createConnection: () => dialOverSsh(endpoint.destination) as Socket,
        });
    }
  }

  private unreachable<T>(e: Error): BackendResult<T> {
    const code = (e as NodeJS.ErrnoException).code;
    const where = describe(this.opts.endpoint);
    const why =
      code === 'ENOENT'
        ? `no Docker Engine socket at ${where}`
        : code === 'EACCES'
          ? `permission denied on ${where} (add the user to the docker group, or use a socket it may open)`
          : code === 'ECONNREFUSED'
            ? `nothing answers at ${where} (is dockerd running?)`
            : `the Docker Engine at ${where} did not answer: ${e.message}`;
    return fail('UNAVAILABLE', why, { backendId: this.opts.backendId, dispatched: false, cause: e });
  }

  private engineError<T>(status: number, payload: unknown, what: string): BackendResult<T> {
    const message =
      typeof payload === 'object' &&
      payload !== null &&
      typeof (payload as { message?: unknown }).message === 'string'
        ? (payload as { message: string }).message
        : `HTTP ${status}`;
    // An engine whose oldest API is newer than ours (a future Docker) refuses every versioned call.
    if (status === 400 && /client version \S+ is too (old|new)/.test(message)) {
      return fail('UNAVAILABLE', `the Docker Engine refused ${what}: ${message}`, {
        backendId: this.opts.backendId,
        dispatched: false,
        details: {
          status,
          hint: `vth speaks Engine API ${ENGINE_API.min} to ${ENGINE_API.max}; use a newer @vth/backend-container`,
        },
      });
    }
    const code: BackendError['code'] =
      status === 404
        ? 'SESSION_NOT_FOUND'
        : status === 409
          ? 'BUSY'
          : status >= 500
            ? 'UNAVAILABLE'
            : 'INVALID_INPUT';
    return fail(code, `the Docker Engine refused ${what}: ${message}`, {
      backendId: this.opts.backendId,
      dispatched: false,
      details: { status },
    });
  }
}

function collect(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.trim() };
  }
}

export function describe(endpoint: EngineEndpoint): string {
  switch (endpoint.kind) {
    case 'unix':
      return endpoint.socketPath;
    case 'tcp':
      return `${endpoint.tls ? 'https' : 'tcp'}://${endpoint.host}:${endpoint.port}`;
    case 'ssh':
      return `ssh://${endpoint.destination}`;
  }
}
