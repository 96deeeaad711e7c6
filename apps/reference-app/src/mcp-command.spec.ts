import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { TERMINAL_SCENARIOS, type ScenarioAnswer } from '@vth/mcp/testing';
import { CLI, TAG_VARIABLE, isAlive, leftoverProcesses } from './test-support/cli-process.fixture';

jest.setTimeout(60_000);

async function call(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<ScenarioAnswer> {
  const result = await client.callTool({ name, arguments: args });
  return {
    structured: result.structuredContent,
    text: (result.content as Array<{ text?: string }>).map((c) => c.text ?? '').join('\n'),
    isError: result.isError === true,
  };
}

/** `vth mcp` spawned by the SDK's own stdio client, as an MCP host (Claude Desktop, an IDE) runs it. */
async function startMcp(): Promise<{
  client: Client;
  transport: StdioClientTransport;
  tag: string;
  errors: Error[];
}> {
  const tag = randomBytes(8).toString('hex');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('VTH_')) env[k] = v;
  env[TAG_VARIABLE] = tag;
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp'],
    env,
    stderr: 'pipe',
  });
  const client = new Client({ name: 'spec', version: '0.0.0' });
  const errors: Error[] = [];
  // A line on stdout that is not the protocol shows up here.
  client.onerror = (e) => errors.push(e);
  await client.connect(transport);
  return { client, transport, tag, errors };
}

describe('vth mcp (stdio)', () => {
  let mcp: Awaited<ReturnType<typeof startMcp>>;
  beforeAll(async () => {
    mcp = await startMcp();
  });
  afterAll(async () => {
    const pid = mcp.transport.pid!;
    await mcp.client.close();
    const deadline = Date.now() + 10_000;
    while ((isAlive(pid) || leftoverProcesses(mcp.tag).length > 0) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 25));
    expect(isAlive(pid)).toBe(false);
    expect(leftoverProcesses(mcp.tag)).toEqual([]);
  });

  it('names itself and its tools in the handshake', async () => {
    expect(mcp.client.getServerVersion()?.name).toBe('vth');
    const { tools } = await mcp.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(['command_run', 'session_screen', 'session_send']),
    );
  });

  for (const scenario of TERMINAL_SCENARIOS) {
    it(scenario.name, async () => {
      await scenario.run((name, args) => call(mcp.client, name, args));
      expect(mcp.errors).toEqual([]);
    });
  }
});

describe('vth mcp (stdio) ending', () => {
  it('closes every session it opened when the client goes away, and exits', async () => {
    const { client, transport, tag } = await startMcp();
    const pid = transport.pid!;
    for (let i = 0; i < 2; i++) expect((await call(client, 'session_open')).isError).toBe(false);
    const opened = await call(client, 'session_list');
    expect(opened.structured.sessions).toHaveLength(2);
    expect(leftoverProcesses(tag).length).toBeGreaterThanOrEqual(3);
    await client.close();
    const deadline = Date.now() + 10_000;
    while ((isAlive(pid) || leftoverProcesses(tag).length > 0) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 25));
    expect(leftoverProcesses(tag)).toEqual([]);
    expect(isAlive(pid)).toBe(false);
  });
});

describe('vth mcp --http', () => {
  it('serves Streamable HTTP on loopback, prints the URL, and on SIGTERM closes its sessions and exits 0', async () => {
    const tag = randomBytes(8).toString('hex');
    const env: NodeJS.ProcessEnv = { ...process.env, [TAG_VARIABLE]: tag };
    for (const name of Object.keys(env))
      if (name.startsWith('VTH_') && name !== TAG_VARIABLE) delete env[name];
    const child = spawn(process.execPath, [CLI, 'mcp', '--http', '--port', '0'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    let stdout = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('\n')) resolve(stdout.trim());
      });
      child.on('close', () => reject(new Error(`vth mcp --http ended early: ${stdout}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const client = new Client({ name: 'spec', version: '0.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    const opened = await call(client, 'session_open');
    const run = await call(client, 'command_run', {
      sessionId: opened.structured.sessionId,
      command: 'echo over-http',
    });
    expect(run.structured).toMatchObject({ status: 'completed', exitCode: 0, output: 'over-http\n' });
    expect(leftoverProcesses(tag).length).toBeGreaterThan(1);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await client.close().catch(() => undefined);
    expect(leftoverProcesses(tag)).toEqual([]);
  });
});
