import { request } from 'node:http';
import { hashToken } from '@vth/security';
import { createMcpHost } from './mcp-host';
import {
  callTool,
  descendants,
  endSession,
  eventually,
  startHttpHarness,
  type HttpHarness,
} from './test-support/mcp-harness.fixture';

jest.setTimeout(30_000);

describe('MCP over Streamable HTTP', () => {
  let harness: HttpHarness;
  afterEach(async () => harness?.close());

  it('lists the terminal tools with input schemas and descriptions', async () => {
    harness = await startHttpHarness();
    const client = await harness.connect();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'command_read',
      'command_run',
      'command_wait',
      'session_close',
      'session_interrupt',
      'session_list',
      'session_open',
      'session_screen',
      'session_send',
    ]);
    for (const tool of tools) {
      expect(tool.description!.length).toBeGreaterThan(30);
      expect(tool.inputSchema.type).toBe('object');
    }
  });

  it('runs a quick command: exit code, cwd and output, structured and as text', async () => {
    harness = await startHttpHarness();
    const client = await harness.connect();
    const opened = await callTool(client, 'session_open', { cwd: '/tmp' });
    expect(opened.isError).toBe(false);
    const run = await callTool(client, 'command_run', {
      sessionId: opened.structured.sessionId,
      command: 'echo hello; cd /; false',
    });
    expect(run.structured).toMatchObject({ status: 'completed', exitCode: 1, cwd: '/', truncatedBytes: 0 });
    expect(run.structured.output).toBe('hello\n');
    expect(run.text).toContain('exit code 1');
    expect(run.text).toContain('hello');
  });

  it("answers BUSY with the running command's handle when a session already runs one", async () => {
    harness = await startHttpHarness();
    const client = await harness.connect();
    const { structured: s } = await callTool(client, 'session_open');
    const first = await callTool(client, 'command_run', {
      sessionId: s.sessionId,
      command: 'sleep 600',
      yieldAfterMs: 100,
    });
    expect(first.structured.status).toBe('running');
    const second = await callTool(client, 'command_run', { sessionId: s.sessionId, command: 'echo later' });
    expect(second.isError).toBe(true);
    expect(second.text).toMatch(/^BUSY: /);
    expect(second.text).toContain(`handle ${first.structured.handle}`);
  });

  it('keeps the head and tail of a large output and counts the cut in bytes', async () => {
    harness = await startHttpHarness({ tools: { maxOutputBytes: 4096 } });
    const client = await harness.connect();
    const { structured: s } = await callTool(client, 'session_open');
    const run = await callTool(client, 'command_run', { sessionId: s.sessionId, command: 'seq 1 20000' });
    expect(run.structured.output.startsWith('1\n2\n3\n')).toBe(true);
    expect(run.structured.output.endsWith('19999\n20000\n')).toBe(true);
    const full = Array.from({ length: 20000 }, (_, i) => `${i + 1}\n`).join('');
    expect(run.structured.truncatedBytes).toBe(
      Buffer.byteLength(full) - Buffer.byteLength(run.structured.output),
    );
  });

  it("keeps two clients apart: one cannot list, use or close the other's sessions", async () => {
    harness = await startHttpHarness();
    const alice = await harness.connect();
    const bob = await harness.connect();
    const mine = await callTool(alice, 'session_open');
    const id = mine.structured.sessionId as string;
    expect((await callTool(bob, 'session_list')).structured.sessions).toEqual([]);
    for (const [tool, args] of [
      ['command_run', { sessionId: id, command: 'echo nope' }],
      ['session_send', { sessionId: id, text: 'echo nope\n' }],
      ['session_screen', { sessionId: id }],
      ['session_interrupt', { sessionId: id }],
      ['session_close', { sessionId: id }],
    ] as const) {
      const answer = await callTool(bob, tool, args);
      expect(answer).toMatchObject({ isError: true, text: `SESSION_NOT_FOUND: no session "${id}"` });
    }
    const running = await callTool(alice, 'command_run', {
      sessionId: id,
      command: 'sleep 600',
      yieldAfterMs: 100,
    });
    expect(running.structured.status).toBe('running');
    for (const tool of ['command_read', 'command_wait'] as const) {
      const answer = await callTool(bob, tool, { handle: running.structured.handle, exit: true });
      expect(answer.isError).toBe(true);
      expect(answer.text).toMatch(/^COMMAND_NOT_FOUND: /);
    }
    const still = await callTool(alice, 'session_list');
    expect(still.structured.sessions).toEqual([expect.objectContaining({ sessionId: id, alive: true })]);
  });

  it('closes the sessions of an MCP session when it ends, leaving no process behind', async () => {
    harness = await startHttpHarness();
    const before = descendants().length;
    const client = await harness.connect();
    for (let i = 0; i < 3; i++) await callTool(client, 'session_open');
    expect(harness.host.sessionCount).toBe(3);
    expect(descendants().length).toBeGreaterThanOrEqual(before + 3);
    await endSession(client);
    await eventually('the sessions to close', () => harness.host.sessionCount === 0);
    const listed = await harness.backend.listSessions();
    expect(listed.ok && listed.value).toEqual([]);
    await eventually('the shells to exit', () => descendants().length === before);
  });

  it('ends an MCP session whose client vanished (no DELETE) after its grace, closing its sessions', async () => {
    harness = await startHttpHarness({ http: { idleGraceMs: 300 } });
    const gone = await harness.connect();
    const staying = await harness.connect();
    await callTool(gone, 'session_open');
    await callTool(staying, 'session_open');
    expect(harness.host.sessionCount).toBe(2);
    // Its streams drop without a DELETE, as when the agent's process dies.
    await gone.close();
    await eventually("the vanished client's session to end", () => harness.host.sessionCount === 1);
    // A client holding its stream open is not idle, however long it stays quiet.
    expect((await callTool(staying, 'session_list')).structured.sessions).toHaveLength(1);
  });

  it('refuses a foreign Host or Origin, and requests without a valid token when tokens are set', async () => {
    harness = await startHttpHarness({
      http: { tokens: [{ id: 'a', userId: 'alice', sha256: hashToken('alice-secret-token') }] },
    });
    const post = (headers: Record<string, string>) =>
      fetch(harness.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      });
    expect((await post({})).status).toBe(401);
    expect((await post({ authorization: 'Bearer wrong-token' })).status).toBe(401);
    expect(
      (await post({ authorization: 'Bearer alice-secret-token', origin: 'http://evil.example' })).status,
    ).toBe(403);
    // fetch sets Host itself; a raw request shows a rebinding page's Host is refused.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(harness.url, { method: 'POST', headers: { host: 'evil.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(403);
    const client = await harness.connect('alice-secret-token');
    expect((await callTool(client, 'session_list')).isError).toBe(false);
  });

  it('replays a dropped stream from Last-Event-ID (bounded event store)', async () => {
    harness = await startHttpHarness({ tools: { progressIntervalMs: 50 } });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const rpc = (sessionId: string | undefined, body: unknown) =>
      fetch(harness.url, {
        method: 'POST',
        headers: {
          ...headers,
          ...(sessionId ? { 'mcp-session-id': sessionId } : {}),
          'mcp-protocol-version': '2025-06-18',
        },
        body: JSON.stringify(body),
      });
    const events = (text: string) =>
      text
        .split('\n\n')
        .map((block) => ({ id: /^id: (.*)$/m.exec(block)?.[1], data: /^data: (.*)$/m.exec(block)?.[1] }))
        .filter((e) => e.id !== undefined && e.data);
    const init = await rpc(undefined, {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
    });
    const sessionId = init.headers.get('mcp-session-id')!;
    await init.text();
    await (await rpc(sessionId, { jsonrpc: '2.0', method: 'notifications/initialized' })).text();
    const open = events(
      await (
        await rpc(sessionId, {
          jsonrpc: '2.0',
          id: 2,
          method: 'tools/call',
          params: { name: 'session_open', arguments: {} },
        })
      ).text(),
    );
    const terminal = JSON.parse(open.at(-1)!.data!).result.structuredContent.sessionId as string;
    const call = await rpc(sessionId, {
      jsonrpc: '2.0',
      id: 3,
      method: 'tools/call',
      params: {
        name: 'command_run',
        arguments: { sessionId: terminal, command: 'sleep 600', yieldAfterMs: 500 },
        _meta: { progressToken: 'p' },
      },
    });
    const sent = events(await call.text());
    expect(sent.length).toBeGreaterThan(1);
    expect(JSON.parse(sent.at(-1)!.data!).result.structuredContent.status).toBe('running');
    // As if the stream had dropped after its first event: the rest comes again, in order.
    const resumed = await fetch(harness.url, {
      headers: {
        accept: 'text/event-stream',
        'mcp-session-id': sessionId,
        'mcp-protocol-version': '2025-06-18',
        'last-event-id': sent[0]!.id!,
      },
    });
    const reader = resumed.body!.getReader();
    let text = '';
    while (events(text).length < sent.length - 1) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await reader.cancel();
    expect(events(text)).toEqual(sent.slice(1));
  });

  it('refuses options that would serve off loopback without tokens', async () => {
    const created = createMcpHost({ backend: {} as never, options: { http: { host: '0.0.0.0' } } });
    expect(created.ok).toBe(false);
    expect(!created.ok && created.error).toMatchObject({ code: 'INVALID_CONFIG' });
    expect(!created.ok && created.error.message).toContain('http.tokens');
  });

  it('listens once: a second listenHttp answers the same address, and close leaves nothing listening', async () => {
    harness = await startHttpHarness();
    const again = await Promise.all([harness.host.listenHttp(), harness.host.listenHttp()]);
    expect(again.map((r) => r.ok && r.value.url)).toEqual([harness.url, harness.url]);
    await harness.close();
    // A second server left open by the second call would still answer here.
    await expect(fetch(harness.url, { method: 'POST' })).rejects.toThrow();
  });
});
