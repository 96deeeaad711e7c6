import { type Client } from '@modelcontextprotocol/sdk/client/index.js';
import { TERMINAL_SCENARIOS } from './testing';
import {
  callTool,
  descendants,
  eventually,
  startHttpHarness,
  type HttpHarness,
} from './test-support/mcp-harness.fixture';

jest.setTimeout(60_000);

describe('terminal scenarios over Streamable HTTP (node-pty)', () => {
  let harness: HttpHarness;
  let client: Client;
  let before: number;

  beforeAll(async () => {
    before = descendants().length;
    harness = await startHttpHarness();
    client = await harness.connect();
  });
  afterAll(async () => {
    await harness.close();
    // Every shell, vi and sleep the scenarios started is gone.
    await eventually('every process to end', () => descendants().length === before);
  });

  for (const scenario of TERMINAL_SCENARIOS) {
    it(scenario.name, async () => {
      await scenario.run((name, args) => callTool(client, name, args));
      expect(harness.host.sessionCount).toBe(0);
    });
  }

  it('reports progress while command_run waits, when the client asks for it', async () => {
    const progress = await startHttpHarness({ tools: { progressIntervalMs: 50 } });
    try {
      const other = await progress.connect();
      const opened = await callTool(other, 'session_open');
      const seen: number[] = [];
      const run = await callTool(
        other,
        'command_run',
        { sessionId: opened.structured.sessionId, command: 'sleep 600', yieldAfterMs: 1_000 },
        { onprogress: (p) => seen.push(p.progress) },
      );
      expect(run.structured.status).toBe('running');
      expect(seen.length).toBeGreaterThan(0);
      // Progress only grows (the MCP rule), so a client can show it.
      expect([...seen].sort((a, b) => a - b)).toEqual(seen);
      expect(new Set(seen).size).toBe(seen.length);
    } finally {
      await progress.close();
    }
  });
});
