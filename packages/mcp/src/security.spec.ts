import { denyPatterns, hashToken, MemoryAuditSink } from '@vth/security';
import { callTool, startHttpHarness, type HttpHarness } from './test-support/mcp-harness.fixture';

jest.setTimeout(30_000);

describe('security through MCP', () => {
  let harness: HttpHarness;
  afterEach(async () => harness?.close());

  it("applies the policy to commands and typed lines, and audits every command as the token's user", async () => {
    const sink = new MemoryAuditSink();
    harness = await startHttpHarness(
      { http: { tokens: [{ id: 'a', userId: 'alice', sha256: hashToken('alice-secret-token') }] } },
      { policy: denyPatterns([/forbidden-word/]), audit: { sink } },
    );
    const client = await harness.connect('alice-secret-token');
    const { structured: s } = await callTool(client, 'session_open');
    const refused = await callTool(client, 'command_run', {
      sessionId: s.sessionId,
      command: 'echo forbidden-word',
    });
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(/^FORBIDDEN: /);
    const typed = await callTool(client, 'session_send', {
      sessionId: s.sessionId,
      text: 'echo forbidden-word',
      keys: ['Enter'],
    });
    expect(typed.isError).toBe(true);
    expect(typed.text).toMatch(/^FORBIDDEN: /);
    const allowed = await callTool(client, 'command_run', { sessionId: s.sessionId, command: 'echo fine' });
    expect(allowed.structured.output).toBe('fine\n');
    const commands = sink.records.filter((r) => r.kind === undefined);
    expect(commands.map((r) => [r.userId, r.source, r.command])).toEqual([
      ['alice', 'mcp', 'echo forbidden-word'],
      ['alice', 'mcp', 'echo fine'],
    ]);
    // sendInput carries no context in the contract: the refused line is audited without a user.
    expect(sink.records.filter((r) => r.kind === 'input').map((r) => r.command)).toEqual([
      'echo forbidden-word',
    ]);
  });

  it('rate limits per user across MCP sessions', async () => {
    harness = await startHttpHarness({}, { rateLimit: { perUser: { capacity: 2, refillPerSecond: 0.001 } } });
    const first = await harness.connect();
    const second = await harness.connect();
    const a = (await callTool(first, 'session_open')).structured.sessionId;
    const b = (await callTool(second, 'session_open')).structured.sessionId;
    expect((await callTool(first, 'command_run', { sessionId: a, command: 'true' })).isError).toBe(false);
    expect((await callTool(second, 'command_run', { sessionId: b, command: 'true' })).isError).toBe(false);
    // Both clients are the loopback user `local`: the third command is over that user's budget.
    const third = await callTool(first, 'command_run', { sessionId: a, command: 'true' });
    expect(third.isError).toBe(true);
    expect(third.text).toMatch(/^RATE_LIMITED: .*\(retry in \d+ ms\)$/);
  });
});
