import { type ITerminalBackend } from '@vth/core';
import { NodePtyBackend, plugin as nodePtyPlugin } from '@vth/backend-node-pty';
import { TmuxBackend, plugin as tmuxPlugin } from '@vth/backend-tmux';
import { BackendFactory } from '@vth/factory';
import { BackendManager, type ManagerConfigInput } from '@vth/manager';
import { createServer, type CreateServerOptions, type VthServer } from '../create-server';
import { hashToken } from '@vth/security';
import { type ServerConfigInput } from '../server-config';
import { TestClient, type ClientOptions } from './test-client.fixture';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies of any shape, read by the specs
type Json = any;

export type BackendKind = 'node-pty' | 'tmux' | 'manager';

export interface Harness {
  server: VthServer;
  backend: ITerminalBackend;
  url: string;
  wsUrl: string;
  connect(options?: ClientOptions & { query?: string }): Promise<TestClient>;
  http(
    method: string,
    path: string,
    options?: { body?: unknown; token?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: Json; text: string; headers: Headers }>;
  close(): Promise<void>;
}

/** Tokens the specs use: alice and bob are users, root is an admin. */
export const TOKENS = {
  alice: 'alice-token-0123456789',
  bob: 'bob-token-0123456789',
  root: 'root-token-0123456789',
};
export const USERS_CONFIG: ServerConfigInput['auth'] = {
  tokens: [
    { id: 'alice', userId: 'alice', role: 'user', sha256: hashToken(TOKENS.alice) },
    { id: 'bob', userId: 'bob', role: 'user', sha256: hashToken(TOKENS.bob) },
    { id: 'root', userId: 'root', role: 'admin', sha256: hashToken(TOKENS.root) },
  ],
};

async function makeBackend(kind: BackendKind, manager?: ManagerConfigInput): Promise<ITerminalBackend> {
  if (kind === 'node-pty') {
    const b = new NodePtyBackend({ killGraceMs: 200, interruptGraceMs: 300 });
    const r = await b.initialize({});
    if (!r.ok) throw r.error;
    return b;
  }
  if (kind === 'tmux') {
    const b = new TmuxBackend();
    const r = await b.initialize({});
    if (!r.ok) throw r.error;
    return b;
  }
  const m = new BackendManager({ factory: new BackendFactory({ plugins: [nodePtyPlugin, tmuxPlugin] }) });
  const r = await m.initialize(
    (manager ?? {
      backends: [{ type: 'node-pty', id: 'pty', config: { killGraceMs: 200 } }],
      probe: { enabled: false },
    }) as never,
  );
  if (!r.ok) throw r.error;
  return m;
}

/** A real server on 127.0.0.1 (a free port) over a real backend. */
export async function startServer(
  options: { backend?: BackendKind; manager?: ManagerConfigInput; config?: ServerConfigInput } & Omit<
    CreateServerOptions,
    'backend' | 'config'
  > = {},
): Promise<Harness> {
  const backend = await makeBackend(options.backend ?? 'node-pty', options.manager);
  const created = createServer({
    ...options,
    backend,
    config: { port: 0, ...options.config },
  });
  if (!created.ok) {
    await backend.shutdown();
    throw created.error;
  }
  const server = created.value;
  const listening = await server.listen();
  if (!listening.ok) {
    await backend.shutdown();
    throw listening.error;
  }
  const url = listening.value.url;
  const clients: TestClient[] = [];
  return {
    server,
    backend,
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/v1/ws`,
    async connect(o = {}) {
      const c = await TestClient.connect(`${url}/v1/ws${o.query ? `?${o.query}` : ''}`, o);
      clients.push(c);
      return c;
    },
    async http(method, path, o = {}) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(o.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
          ...o.headers,
        },
        ...(o.body === undefined
          ? {}
          : { body: typeof o.body === 'string' ? o.body : JSON.stringify(o.body) }),
      });
      const text = await res.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      return { status: res.status, body, text, headers: res.headers };
    },
    async close() {
      for (const c of clients) c.kill();
      await server.close();
      await backend.shutdown();
    },
  };
}
