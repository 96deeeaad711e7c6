import { readdirSync, readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { NodePtyBackend } from '@vth/backend-node-pty';
import { type ITerminalBackend } from '@vth/core';
import { createMcpHost, type CreateMcpHostOptions, type McpHost } from '../mcp-host';
import { type McpOptionsInput } from '../mcp-options';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- structured answers of any tool, read by the specs
export type Json = any;

export interface ToolAnswer {
  structured: Json;
  text: string;
  isError: boolean;
}

/** Calls a tool and flattens its answer. */
export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
  options: { onprogress?: (p: { progress: number; message?: string }) => void } = {},
): Promise<ToolAnswer> {
  const result = await client.callTool({ name, arguments: args }, undefined, {
    ...(options.onprogress ? { onprogress: options.onprogress } : {}),
  });
  const content = result.content as Array<{ type: string; text?: string }>;
  return {
    structured: result.structuredContent,
    text: content.map((c) => c.text ?? '').join('\n'),
    isError: result.isError === true,
  };
}

export interface HttpHarness {
  host: McpHost;
  backend: ITerminalBackend;
  url: string;
  connect(token?: string): Promise<Client>;
  close(): Promise<void>;
}

/** A node-pty backend behind an MCP host listening on a free loopback port. */
export async function startHttpHarness(
  options: McpOptionsInput = {},
  security?: CreateMcpHostOptions['security'],
): Promise<HttpHarness> {
  const backend = new NodePtyBackend({ killGraceMs: 200, interruptGraceMs: 300 });
  const initialized = await backend.initialize({});
  if (!initialized.ok) throw initialized.error;
  const created = createMcpHost({
    backend,
    options: { ...options, http: { port: 0, ...options.http } },
    ...(security ? { security } : {}),
  });
  if (!created.ok) throw created.error;
  const host = created.value;
  const listening = await host.listenHttp();
  if (!listening.ok) throw listening.error;
  const clients: Client[] = [];
  return {
    host,
    backend,
    url: listening.value.url,
    async connect(token) {
      const client = new Client({ name: 'spec', version: '0.0.0' });
      const transport = new StreamableHTTPClientTransport(new URL(listening.value.url), {
        ...(token ? { requestInit: { headers: { authorization: `Bearer ${token}` } } } : {}),
      });
      await client.connect(transport);
      clients.push(client);
      return client;
    },
    async close() {
      for (const c of clients) await c.close().catch(() => undefined);
      await host.close();
      // The guarded wrapper when `security` was given: it shuts the backend down and flushes the audit.
      await host.backend.shutdown();
    },
  };
}

/** Ends the MCP session (DELETE) and the client. */
export async function endSession(client: Client): Promise<void> {
  await (client.transport as StreamableHTTPClientTransport).terminateSession();
  await client.close();
}

/** Every process below `pid` (children, grandchildren, …), from /proc. */
export function descendants(pid = process.pid): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the fields after the last ')' are fixed.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(entry), ppid);
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const [child, ppid] of parentOf) {
      if (ppid !== parent) continue;
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Polls `check` until it holds or `timeoutMs` passes (then throws with `what`). */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
