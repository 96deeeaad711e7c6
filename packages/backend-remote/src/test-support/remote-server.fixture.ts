import { NodePtyBackend } from '@vth/backend-node-pty';
import { type ITerminalBackend } from '@vth/core';
import { createServer, type ServerConfigInput, type VthServer } from '@vth/server';

/** A real `vth serve` (the server of `@vth/server`) on 127.0.0.1, a free port, over a real backend. */
export interface RemoteServer {
  server: VthServer;
  backend: ITerminalBackend;
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startRemoteServer(
  options: { config?: ServerConfigInput; backend?: ITerminalBackend } = {},
): Promise<RemoteServer> {
  const backend = options.backend ?? new NodePtyBackend({ killGraceMs: 200, interruptGraceMs: 300 });
  const init = await backend.initialize({});
  if (!init.ok) throw init.error;
  const created = createServer({ backend, config: { port: 0, ...options.config } });
  if (!created.ok) {
    await backend.shutdown();
    throw created.error;
  }
  const listening = await created.value.listen();
  if (!listening.ok) {
    await backend.shutdown();
    throw listening.error;
  }
  const url = listening.value.url;
  return {
    server: created.value,
    backend,
    url,
    port: Number(new URL(url).port),
    async close() {
      await created.value.close();
      await backend.shutdown();
    },
  };
}
