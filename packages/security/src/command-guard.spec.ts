import { createHash } from 'node:crypto';
import { BackendError, type CommandExecution } from '@vth/core';
import { MemoryAuditSink } from './audit-sinks';
import { CommandGuard } from './command-guard';
import { denyPatterns, type CommandPolicy } from './command-policy';

function fakeClock() {
  let now = 0;
  return { clock: () => now, advance: (ms: number) => void (now += ms) };
}

const context = { requestId: 'r1', userId: 'alice', source: 'voice' };

const execution = (over: Partial<CommandExecution> = {}): CommandExecution => ({
  id: 'c1',
  sessionId: 's1',
  paneId: '0',
  command: 'echo hi',
  status: 'completed',
  exitCode: 0,
  output: 'hi\n',
  truncatedBytes: 0,
  startedAt: Date.UTC(2025, 0, 1),
  durationMs: 12,
  backendId: 'b1',
  ...over,
});

describe('CommandGuard', () => {
  it('is inert with nothing configured: the same resolved result every time', () => {
    const guard = new CommandGuard({ backendId: 'b1', backendType: 't' });
    expect(guard.active).toBe(false);
    const a = guard.admit({ command: 'ls', sessionId: 's1' });
    const b = guard.admitBatch({ commands: ['ls'], sessionId: 's1' });
    expect(a).toBe(b);
    expect(() => guard.completed(execution())).not.toThrow();
    return expect(a).resolves.toEqual({ ok: true, value: undefined });
  });

  it('writes a complete record for a command that ran, keys in reading order', () => {
    const sink = new MemoryAuditSink();
    const guard = new CommandGuard({ backendId: 'b1', backendType: 'node-pty', audit: { sink } });
    expect(guard.active).toBe(true);
    guard.completed(execution({ status: 'timed-out', exitCode: null }), context);
    expect(sink.records).toEqual([
      {
        time: '2025-01-01T00:00:00.000Z',
        backendId: 'b1',
        backendType: 'node-pty',
        requestId: 'r1',
        userId: 'alice',
        source: 'voice',
        sessionId: 's1',
        paneId: '0',
        commandId: 'c1',
        command: 'echo hi',
        commandBytes: 7,
        commandSha256: createHash('sha256').update('echo hi').digest('hex'),
        outcome: 'timed-out',
        exitCode: null,
        durationMs: 12,
      },
    ]);
    expect(Object.keys(sink.records[0]!)).toEqual([
      'time',
      'backendId',
      'backendType',
      'requestId',
      'userId',
      'source',
      'sessionId',
      'paneId',
      'commandId',
      'command',
      'commandBytes',
      'commandSha256',
      'outcome',
      'exitCode',
      'durationMs',
    ]);
  });

  it('writes an error record for a dispatched command that failed', () => {
    const sink = new MemoryAuditSink();
    let id = 'before-init';
    const guard = new CommandGuard({ backendId: () => id, backendType: 't', audit: { sink } });
    id = 'b2';
    guard.failed(
      { command: 'ls', sessionId: 's9', startedAt: Date.now() - 5 },
      new BackendError('SESSION_NOT_FOUND', 'no session "s9"'),
    );
    expect(sink.records[0]).toMatchObject({
      backendId: 'b2',
      sessionId: 's9',
      command: 'ls',
      outcome: 'error',
      exitCode: null,
      errorCode: 'SESSION_NOT_FOUND',
      reason: 'no session "s9"',
    });
    expect(sink.records[0]!.durationMs).toBeGreaterThanOrEqual(5);
    expect(sink.records[0]).not.toHaveProperty('paneId');
  });

  it('rate limits before asking the policy, and audits the refusal', async () => {
    const { clock, advance } = fakeClock();
    const sink = new MemoryAuditSink();
    const policy = jest.fn<ReturnType<CommandPolicy>, Parameters<CommandPolicy>>(() => 'allow');
    const guard = new CommandGuard({
      backendId: 'b1',
      backendType: 't',
      rateLimit: { perUser: { capacity: 1, refillPerSecond: 10 }, clock },
      policy,
      audit: { sink },
    });
    expect((await guard.admit({ command: 'ls', sessionId: 's1', context })).ok).toBe(true);
    const refused = await guard.admit({ command: 'ls -la', sessionId: 's1', paneId: '0', context });
    expect(!refused.ok && refused.error).toMatchObject({
      code: 'RATE_LIMITED',
      dispatched: false,
      backendId: 'b1',
      message: 'rate limit for user "alice": retry in 100 ms',
      details: { retryAfterMs: 100, scope: 'user', key: 'alice' },
    });
    expect(policy).toHaveBeenCalledTimes(1);
    expect(sink.records).toEqual([
      expect.objectContaining({
        sessionId: 's1',
        paneId: '0',
        userId: 'alice',
        command: 'ls -la',
        outcome: 'rate-limited',
        exitCode: null,
        errorCode: 'RATE_LIMITED',
        reason: 'rate limit for user "alice": retry in 100 ms',
      }),
    ]);
    advance(100);
    expect((await guard.admit({ command: 'ls', sessionId: 's1', context })).ok).toBe(true);
  });

  it('refuses what the policy denies with FORBIDDEN, undispatched, and audits it', async () => {
    const sink = new MemoryAuditSink();
    const guard = new CommandGuard({
      backendId: 'b1',
      backendType: 't',
      policy: denyPatterns([/\brm\s+-rf\s+\/(\s|$)/], 'wipes the disk'),
      audit: { sink },
    });
    const r = await guard.admit({ command: 'rm -rf /', sessionId: 's1', context });
    expect(!r.ok && r.error).toMatchObject({
      code: 'FORBIDDEN',
      dispatched: false,
      backendId: 'b1',
      message: 'command refused by policy: wipes the disk',
      details: { reason: 'wipes the disk', decision: 'deny' },
    });
    expect(sink.records[0]).toMatchObject({
      command: 'rm -rf /',
      outcome: 'denied',
      reason: 'wipes the disk',
    });
  });

  it('admits a batch whole: one refusal refuses all, each command audited, later ones not evaluated', async () => {
    const sink = new MemoryAuditSink();
    const seen: string[] = [];
    const guard = new CommandGuard({
      backendId: 'b1',
      backendType: 't',
      policy: ({ command }) => {
        seen.push(command);
        return command === 'reboot' ? { decision: 'deny', reason: 'no reboots' } : 'allow';
      },
      audit: { sink },
    });
    const r = await guard.admitBatch({ commands: ['echo a', 'reboot', 'echo c'], sessionId: 's1' });
    expect(!r.ok && r.error).toMatchObject({
      code: 'FORBIDDEN',
      message: 'command refused by policy: no reboots (command 2 of 3 in the batch; none ran)',
      details: { index: 1 },
    });
    expect(seen).toEqual(['echo a', 'reboot']);
    expect(sink.records.map((x) => [x.command, x.outcome, x.reason])).toEqual([
      ['echo a', 'denied', 'not run: command 2 of the batch was refused'],
      ['reboot', 'denied', 'no reboots'],
      ['echo c', 'denied', 'not run: command 2 of the batch was refused'],
    ]);
    expect((await guard.admitBatch({ commands: ['echo a', 'echo b'], sessionId: 's1' })).ok).toBe(true);
  });

  it('charges a batch one token per command, and audits each refused command', async () => {
    const sink = new MemoryAuditSink();
    const guard = new CommandGuard({
      backendId: 'b1',
      backendType: 't',
      rateLimit: { perSession: { capacity: 3, refillPerSecond: 1 }, clock: () => 0 },
      audit: { sink },
    });
    expect((await guard.admitBatch({ commands: ['a', 'b'], sessionId: 's1' })).ok).toBe(true);
    const r = await guard.admitBatch({ commands: ['c', 'd'], sessionId: 's1' });
    expect(!r.ok && r.error.code).toBe('RATE_LIMITED');
    expect(sink.records.map((x) => [x.command, x.outcome])).toEqual([
      ['c', 'rate-limited'],
      ['d', 'rate-limited'],
    ]);
    expect((await guard.admit({ command: 'e', sessionId: 's1' })).ok).toBe(true);
  });

  it('puts input to the policy as kind "input", audits only refusals, and rate limits each call that completes a line', async () => {
    const sink = new MemoryAuditSink();
    const kinds: string[] = [];
    const guard = new CommandGuard({
      backendId: 'b1',
      backendType: 't',
      rateLimit: { perSession: { capacity: 6, refillPerSecond: 1 }, clock: () => 0 },
      policy: ({ command, kind }) => {
        kinds.push(kind);
        return command.includes('shutdown') ? 'deny' : 'allow';
      },
      audit: { sink },
    });
    for (let i = 0; i < 5; i++)
      expect((await guard.admitInput({ data: 'y\n', sessionId: 's1' })).ok).toBe(true);
    // Text without a line end runs nothing, is not checked yet and costs nothing.
    expect((await guard.admitInput({ data: 'shut', sessionId: 's1' })).ok).toBe(true);
    const r = await guard.admitInput({ data: 'down now\n', sessionId: 's1' });
    expect(!r.ok && r.error.code).toBe('FORBIDDEN');
    expect(kinds).toEqual(['input', 'input', 'input', 'input', 'input', 'input']);
    expect(sink.records).toEqual([
      // The line the shell would run, as its line discipline assembles it (no line end).
      expect.objectContaining({ kind: 'input', outcome: 'denied', command: 'shutdown now' }),
    ]);
    // Six lines took the session's six tokens: a command waits, and so does a seventh line, unchecked.
    const command = await guard.admit({ command: 'ls', sessionId: 's1' });
    expect(!command.ok && command.error.code).toBe('RATE_LIMITED');
    const line = await guard.admitInput({ data: 'y\n', sessionId: 's1' });
    expect(!line.ok && line.error).toMatchObject({
      code: 'RATE_LIMITED',
      dispatched: false,
      backendId: 'b1',
    });
    expect(kinds).toHaveLength(6);
    await guard.close();
    expect(sink.records.at(-1)).toMatchObject({ kind: 'input', outcome: 'rate-limited', command: '' });
  });

  it('rate limits session openings per user and audits a refusal as kind "session"', async () => {
    const sink = new MemoryAuditSink();
    const guard = new CommandGuard({
      backendId: 'b1',
      backendType: 't',
      rateLimit: { newSessions: { capacity: 1, refillPerSecond: 1 }, clock: () => 0 },
      audit: { sink },
    });
    expect((await guard.admitSession({ context })).ok).toBe(true);
    const r = await guard.admitSession({ sessionId: 'mine', context });
    expect(!r.ok && r.error).toMatchObject({ code: 'RATE_LIMITED', dispatched: false, backendId: 'b1' });
    expect((await guard.admitSession({})).ok).toBe(true);
    expect(sink.records).toEqual([
      expect.objectContaining({ sessionId: 'mine', userId: 'alice', kind: 'session', command: '' }),
    ]);
    // Opening sessions costs commands nothing.
    expect((await guard.admit({ command: 'ls', sessionId: 'mine', context })).ok).toBe(true);
  });

  describe('typed input', () => {
    const inputGuard = (options: Partial<ConstructorParameters<typeof CommandGuard>[0]> = {}) => {
      const sink = new MemoryAuditSink();
      const guard = new CommandGuard({
        backendId: 'b1',
        backendType: 't',
        policy: denyPatterns([/^rm -rf \/$/m, /hunter2/], 'no'),
        audit: { sink },
        ...options,
      });
      return { guard, sink };
    };

    it('checks a command typed over several calls whole, as the shell will run it', async () => {
      const { guard } = inputGuard();
      expect((await guard.admitInput({ data: 'rm -rf ', sessionId: 's1' })).ok).toBe(true);
      const r = await guard.admitInput({ data: '/\n', sessionId: 's1' });
      expect(!r.ok && r.error).toMatchObject({ code: 'FORBIDDEN', dispatched: false });
      // Refused keys were not typed: the line still holds 'rm -rf '.
      expect((await guard.admitInput({ data: '\x15ls /\n', sessionId: 's1' })).ok).toBe(true);
    });

    it('refuses a command that would run after text typed and not entered', async () => {
      const { guard, sink } = inputGuard();
      expect((await guard.admitInput({ data: 'rm -rf /', sessionId: 's1' })).ok).toBe(true);
      const r = await guard.admit({ command: 'true', sessionId: 's1', context });
      expect(!r.ok && r.error.message).toBe(
        'command refused by policy: text typed into the session and not entered would run with it: no',
      );
      expect(sink.records.map((x) => [x.kind, x.command, x.reason])).toEqual([
        ['input', 'rm -rf /', 'no'],
        [undefined, 'true', 'not run: text typed before it was refused'],
      ]);
      expect((await guard.admitInput({ data: '\x03', sessionId: 's1' })).ok).toBe(true);
      expect((await guard.admit({ command: 'true', sessionId: 's1', context })).ok).toBe(true);
    });

    it('audits a refused line typed after a password prompt masked', async () => {
      const { guard, sink } = inputGuard();
      expect((await guard.admit({ command: 'sudo -S whoami', sessionId: 's1' })).ok).toBe(true);
      const r = await guard.admitInput({ data: 'hunter2\n', sessionId: 's1' });
      expect(!r.ok && r.error.code).toBe('FORBIDDEN');
      expect(sink.records).toEqual([expect.objectContaining({ kind: 'input', command: '***' })]);
      expect(JSON.stringify(sink.records)).not.toContain('hunter2');
    });

    it('answers a line typed with editing keys by untrackedInput: confirm (default), deny or check', async () => {
      const data = 'ls\x1b[A\n';
      const asking = inputGuard();
      const r = await asking.guard.admitInput({ data, sessionId: 's1' });
      expect(!r.ok && r.error.message).toMatch(
        /confirmation required \(the line was typed with keys a line editor interprets/,
      );
      const confirm = jest.fn(() => true);
      expect((await inputGuard({ confirm }).guard.admitInput({ data, sessionId: 's1' })).ok).toBe(true);
      expect(confirm).toHaveBeenCalledWith(
        expect.objectContaining({ command: 'ls', kind: 'input' }),
        expect.any(String),
      );
      const denying = await inputGuard({ untrackedInput: 'deny', confirm }).guard.admitInput({
        data,
        sessionId: 's1',
      });
      expect(!denying.ok && denying.error.details).toMatchObject({ decision: 'deny' });
      expect(
        (await inputGuard({ untrackedInput: 'check' }).guard.admitInput({ data, sessionId: 's1' })).ok,
      ).toBe(true);
    });
  });

  it('runs the confirm handler and fails closed without one', async () => {
    const policy: CommandPolicy = () => ({ decision: 'confirm', reason: 'sudo' });
    const without = new CommandGuard({ backendId: 'b1', backendType: 't', policy });
    const r = await without.admit({ command: 'sudo ls', sessionId: 's1' });
    expect(!r.ok && r.error.message).toBe(
      'command refused by policy: confirmation required (sudo) but no confirm handler is configured',
    );
    expect(!r.ok && r.error.details).toMatchObject({ decision: 'confirm' });
    const confirm = jest.fn(() => true);
    const withConfirm = new CommandGuard({ backendId: 'b1', backendType: 't', policy, confirm });
    expect((await withConfirm.admit({ command: 'sudo ls', sessionId: 's1', context })).ok).toBe(true);
    expect(confirm).toHaveBeenCalledWith(
      { command: 'sudo ls', sessionId: 's1', context, backendId: 'b1', kind: 'command' },
      'sudo',
    );
  });

  it('passes the policy an empty context when the call has none or a malformed one', async () => {
    const contexts: unknown[] = [];
    const guard = new CommandGuard({
      backendId: 'b1',
      backendType: 't',
      policy: (request) => {
        contexts.push(request.context);
        return 'allow';
      },
    });
    await guard.admit({ command: 'ls', sessionId: 's1' });
    await guard.admit({ command: 'ls', sessionId: 's1', context: 'garbage' as never });
    expect(contexts).toEqual([{}, {}]);
  });

  it('forgets a session bucket and closes the audit sink', async () => {
    const close = jest.fn(async () => undefined);
    const guard = new CommandGuard({
      backendId: 'b1',
      backendType: 't',
      rateLimit: { perSession: { capacity: 1, refillPerSecond: 1 }, clock: () => 0 },
      audit: { sink: { write: () => undefined, close } },
    });
    await guard.admit({ command: 'ls', sessionId: 's1' });
    expect((await guard.admit({ command: 'ls', sessionId: 's1' })).ok).toBe(false);
    guard.forgetSession('s1');
    expect((await guard.admit({ command: 'ls', sessionId: 's1' })).ok).toBe(true);
    await guard.close();
    expect(close).toHaveBeenCalledTimes(1);
  });
});

describe('CommandGuard failing closed', () => {
  it('refuses, undispatched, when something inside admission throws', async () => {
    const guard = new CommandGuard({
      backendId: () => {
        throw new Error('id not ready');
      },
      backendType: 't',
      policy: () => 'deny',
    });
    const r = await guard.admit({ command: 'ls', sessionId: 's1' });
    expect(!r.ok && r.error).toMatchObject({
      code: 'INTERNAL',
      dispatched: false,
      message: 'the command guard failed: id not ready',
    });
  });
});
