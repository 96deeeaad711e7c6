import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodePtyBackend } from '@vth/backend-node-pty';
import { LIMITS, type BackendError, type CommandStartedEvent, type ITerminalBackend } from '@vth/core';
import { expectFailure, expectOk, pollUntil } from '@vth/testkit';
import { type AuditRecord } from './audit-log';
import { MemoryAuditSink } from './audit-sinks';
import { CommandGuard } from './command-guard';
import { denyPatterns } from './command-policy';
import { guardBackend, type GuardedBackend } from './guard-backend';
import { JsonLinesFileSink } from './json-lines-file-sink';
import { type RateLimiterOptions } from './rate-limiter';

jest.setTimeout(30_000);

const context = { requestId: 'req-1', userId: 'alice', source: 'voice' };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vth-guard-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let unique = 0;
/** A path no test has used: its existence proves a command ran. */
const marker = () => join(dir, `marker-${process.pid}-${++unique}`);

async function started(backend: GuardedBackend): Promise<GuardedBackend> {
  expectOk(await backend.initialize({}), 'initialize');
  return backend;
}

describe('guardBackend over a real node-pty backend', () => {
  describe('policy', () => {
    let backend: GuardedBackend;
    const sink = new MemoryAuditSink();
    beforeAll(async () => {
      backend = await started(
        guardBackend(new NodePtyBackend(), {
          policy: denyPatterns([/\brm\s+-rf\s+\/(\s|$)/, /\btouch\b/], 'not allowed here'),
          audit: { sink },
        }),
      );
    });
    afterAll(() => backend.shutdown());

    it('keeps the id, type and capabilities of the backend it wraps', () => {
      expect(backend.id).toBe(backend.inner.id);
      expect(backend.id).toMatch(/^pty-/);
      expect(backend.type).toBe('node-pty');
      expect(backend.capabilities).toBe(backend.inner.capabilities);
    });

    it('never lets a denied command reach the shell', async () => {
      const s = expectOk(await backend.createSession());
      const seen: CommandStartedEvent[] = [];
      backend.on('command-started', (e) => seen.push(e));
      const path = marker();
      const r = await backend.executeCommand(s.id, `touch ${path}`, undefined, context);
      const error = expectFailure(r, 'FORBIDDEN', { dispatched: false });
      expect(error.message).toBe('command refused by policy: not allowed here');
      const check = expectOk(
        await backend.executeCommand(s.id, `test -e ${path} && echo exists || echo absent`),
      );
      expect(check.output).toBe('absent\n');
      expect(existsSync(path)).toBe(false);
      expect(seen.map((e) => e.command)).toEqual([`test -e ${path} && echo exists || echo absent`]);
    });

    it('refuses a whole batch when one command is denied: nothing runs', async () => {
      const s = expectOk(await backend.createSession());
      const path = marker();
      const r = await backend.executeBatch(s.id, [`echo made > ${path}`, `touch ${path}.2`, 'echo c'], '0');
      expectFailure(r, 'FORBIDDEN', { dispatched: false });
      expect(existsSync(path)).toBe(false);
      const ran = expectOk(await backend.executeBatch(s.id, ['echo a', 'false']));
      expect(ran.map((e) => [e.output, e.exitCode])).toEqual([
        ['a\n', 0],
        ['', 1],
      ]);
    });

    it('puts sendInput to the policy too: an idle shell would run it', async () => {
      const s = expectOk(await backend.createSession());
      const path = marker();
      expectFailure(await backend.sendInput(s.id, `touch ${path}\n`), 'FORBIDDEN', { dispatched: false });
      expect(expectOk(await backend.executeCommand(s.id, 'echo done')).output).toBe('done\n');
      expect(existsSync(path)).toBe(false);
      const reading = backend.executeCommand(s.id, 'read line; echo "got:$line"');
      expectOk(await backend.sendInput(s.id, 'hello\n'));
      expect(expectOk(await reading).output).toBe('got:hello\n');
      expect(sink.records.find((r) => r.kind === 'input')).toMatchObject({
        sessionId: s.id,
        command: `touch ${path}`,
        outcome: 'denied',
      });
    });

    it('reports refusals like any failed call: an error event and getMetrics().errors', async () => {
      const s = expectOk(await backend.createSession());
      const errors: BackendError[] = [];
      const onError = (e: BackendError) => errors.push(e);
      backend.on('error', onError);
      const before = backend.getMetrics().errors;
      await backend.executeCommand(s.id, 'touch x');
      const after = backend.getMetrics().errors;
      backend.off('error', onError);
      expect(errors.map((e) => e.code)).toEqual(['FORBIDDEN']);
      expect(after.total).toBe(before.total + 1);
      expect(after.byCode.FORBIDDEN).toBe((before.byCode.FORBIDDEN ?? 0) + 1);
    });

    it('listens to the inner backend only while someone listens to it', async () => {
      const inner = backend.inner;
      const outputListeners = inner.listenerCount('output');
      const listener = () => undefined;
      backend.on('output', listener);
      backend.on('output', listener);
      expect(inner.listenerCount('output')).toBe(outputListeners + 1);
      backend.off('output', listener);
      expect(inner.listenerCount('output')).toBe(outputListeners + 1);
      backend.off('output', listener);
      expect(inner.listenerCount('output')).toBe(outputListeners);
      const s = expectOk(await backend.createSession());
      const chunks: string[] = [];
      backend.once('session-closed', () => chunks.push('closed'));
      backend.on('output', (e) => chunks.push(e.data));
      await backend.executeCommand(s.id, 'echo streamed');
      expectOk(await backend.destroySession(s.id));
      await pollUntil(() => chunks.includes('closed'), Boolean, { timeoutMs: 5000 });
      expect(chunks.join('')).toContain('streamed');
      expect(chunks).toContain('closed');
      backend.removeAllListeners('output');
      expect(inner.listenerCount('output')).toBe(outputListeners);
    });

    it('still forwards events to listeners added after removeAllListeners()', async () => {
      backend.on('command-completed', () => undefined);
      backend.removeAllListeners();
      expect(backend.inner.listenerCount('command-completed')).toBe(0);
      const s = expectOk(await backend.createSession());
      const completed: string[] = [];
      backend.on('command-completed', (e) => completed.push(e.command));
      await backend.executeCommand(s.id, 'echo after-reset');
      expect(completed).toEqual(['echo after-reset']);
    });

    it('keeps call order on a session when the policy answers slowly', async () => {
      const slow = await started(
        guardBackend(new NodePtyBackend(), {
          policy: async ({ command }) => {
            if (command === 'echo first') await new Promise((resolve) => setTimeout(resolve, 150));
            return 'allow' as const;
          },
        }),
      );
      try {
        const s = expectOk(await slow.createSession());
        const order: string[] = [];
        slow.on('command-started', (e) => order.push(e.command));
        const [first, second] = await Promise.all([
          slow.executeCommand(s.id, 'echo first'),
          slow.executeCommand(s.id, 'echo second'),
        ]);
        expect([expectOk(first).output, expectOk(second).output]).toEqual(['first\n', 'second\n']);
        expect(order).toEqual(['echo first', 'echo second']);
      } finally {
        await slow.shutdown();
      }
    });
  });

  describe('rate limits', () => {
    let now = 0;
    let backend: GuardedBackend;
    beforeAll(async () => {
      backend = await started(
        guardBackend(new NodePtyBackend(), {
          rateLimit: {
            perSession: { capacity: 2, refillPerSecond: 1 },
            perUser: { capacity: 3, refillPerSecond: 2 },
            clock: () => now,
          },
        }),
      );
    });
    afterAll(() => backend.shutdown());

    it('answers RATE_LIMITED with retryAfterMs, then runs once the bucket refilled', async () => {
      const s = expectOk(await backend.createSession());
      expectOk(await backend.executeCommand(s.id, 'echo 1'));
      expectOk(await backend.executeCommand(s.id, 'echo 2'));
      const path = marker();
      const limited = await backend.executeCommand(s.id, `echo x > ${path}`);
      const error = expectFailure(limited, 'RATE_LIMITED', { dispatched: false });
      expect(error.details).toEqual({ retryAfterMs: 1000, scope: 'session', key: s.id });
      expect(error.message).toBe(`rate limit for session "${s.id}": retry in 1000 ms`);
      expect(existsSync(path)).toBe(false);
      now += 1000;
      expect(expectOk(await backend.executeCommand(s.id, 'echo 3')).output).toBe('3\n');
    });

    it('limits a user across sessions', async () => {
      now += 10_000;
      const a = expectOk(await backend.createSession());
      const b = expectOk(await backend.createSession());
      const bob = { userId: 'bob' };
      expectOk(await backend.executeCommand(a.id, 'true', undefined, bob));
      expectOk(await backend.executeCommand(b.id, 'true', undefined, bob));
      expectOk(await backend.executeCommand(a.id, 'true', undefined, bob));
      const r = await backend.executeCommand(b.id, 'true', undefined, bob);
      expect(expectFailure(r, 'RATE_LIMITED').details).toEqual({
        retryAfterMs: 500,
        scope: 'user',
        key: 'bob',
      });
      expectOk(await backend.executeCommand(b.id, 'true', undefined, { userId: 'carol' }));
    });

    it('forgets the bucket of a destroyed or exited session', async () => {
      const limiter = backend.guard.rateLimiter!;
      const s = expectOk(await backend.createSession());
      expectOk(await backend.executeCommand(s.id, 'true'));
      const tracked = limiter.trackedKeys('session');
      expectOk(await backend.destroySession(s.id));
      expect(limiter.trackedKeys('session')).toBe(tracked - 1);
      const exiting = expectOk(await backend.createSession());
      expectOk(await backend.executeCommand(exiting.id, 'true'));
      await backend.executeCommand(exiting.id, 'exit 0');
      const left = await pollUntil(
        () => limiter.trackedKeys('session'),
        (n) => n === tracked - 1,
        {
          timeoutMs: 5000,
        },
      );
      expect(left).toBe(tracked - 1);
    });
  });

  describe('rate limits cannot be sidestepped', () => {
    /** A backend whose buckets never refill (the clock stands still), shut down after `use`. */
    async function withLimits(
      rateLimit: RateLimiterOptions,
      use: (backend: GuardedBackend) => Promise<void>,
    ): Promise<void> {
      const backend = await started(
        guardBackend(new NodePtyBackend(), { rateLimit: { ...rateLimit, clock: () => 0 } }),
      );
      try {
        await use(backend);
      } finally {
        await backend.shutdown();
      }
    }
    const never = (capacity: number) => ({ capacity, refillPerSecond: 0.001 });

    it('fresh sessions and a missing userId are no way around perUser: 20 of 100, not 100 of 100', () =>
      withLimits({ perSession: never(5), perUser: never(20) }, async (backend) => {
        let admitted = 0;
        for (let i = 0; i < 20; i++) {
          const s = expectOk(await backend.createSession());
          for (let j = 0; j < 5; j++) if ((await backend.executeCommand(s.id, 'true')).ok) admitted++;
          expectOk(await backend.destroySession(s.id));
        }
        expect(admitted).toBe(20);
      }));

    it('limits how fast a user opens sessions, and a global bucket holds across users', () =>
      withLimits({ newSessions: never(2), global: never(3) }, async (backend) => {
        const mallory = { userId: 'mallory' };
        const a = expectOk(await backend.createSession({}, mallory));
        expectOk(await backend.createSession({}, mallory));
        const refused = await backend.createSession({ sessionId: 'third' }, mallory);
        expect(expectFailure(refused, 'RATE_LIMITED', { dispatched: false }).details).toMatchObject({
          scope: 'new-session',
          key: 'mallory',
        });
        const sessions = expectOk(await backend.listSessions());
        expect(sessions.map((s) => s.id)).not.toContain('third');
        expect(sessions).toHaveLength(2);
        expectOk(await backend.createSession({}, { userId: 'trent' }));
        expectOk(await backend.executeCommand(a.id, 'true', undefined, { userId: 'u1' }));
        expectOk(await backend.executeCommand(a.id, 'true', undefined, { userId: 'u2' }));
        expectOk(await backend.executeCommand(a.id, 'true'));
        const r = await backend.executeCommand(a.id, 'true', undefined, { userId: 'u4' });
        expect(expectFailure(r, 'RATE_LIMITED').details).toMatchObject({ scope: 'global' });
      }));

    it('sendInput is no way around perUser: each call that completes a line costs the session owner a token', () =>
      withLimits({ perUser: never(3) }, async (backend) => {
        const alice = { userId: 'alice' };
        const s = expectOk(await backend.createSession({ cwd: dir }, alice));
        const [first, second, third] = [marker(), marker(), marker()];
        // Text without a line end runs nothing and costs nothing.
        expectOk(await backend.sendInput(s.id, 'touch '));
        expectOk(await backend.sendInput(s.id, `${first}\n`));
        expectOk(await backend.sendInput(s.id, `touch ${second}\r`));
        // Two tokens gone, one left: a command takes it, then typed lines are refused like commands.
        expectOk(await backend.executeCommand(s.id, 'true', undefined, alice));
        const typed = await backend.sendInput(s.id, `touch ${third}\n`);
        expect(expectFailure(typed, 'RATE_LIMITED', { dispatched: false }).details).toMatchObject({
          scope: 'user',
          key: 'alice',
        });
        const ran = await backend.executeCommand(s.id, 'true', undefined, alice);
        expectFailure(ran, 'RATE_LIMITED');
        // Someone else's command in the same shell runs after the typed lines: two ran, the third never came.
        const check = await backend.executeCommand(
          s.id,
          `test -e ${first} && test -e ${second} && test ! -e ${third} && echo ok`,
          undefined,
          { userId: 'bob' },
        );
        expect(expectOk(check).output).toBe('ok\n');
      }));

    it('lines typed into a session nobody opened are anonymous, and count against the global bucket', () =>
      withLimits({ perUser: never(2), global: never(3) }, async (backend) => {
        const s = expectOk(await backend.createSession({ cwd: dir }));
        expectOk(await backend.sendInput(s.id, 'true\n'));
        expectOk(await backend.sendInput(s.id, 'true\n'));
        const typed = await backend.sendInput(s.id, 'true\n');
        expect(expectFailure(typed, 'RATE_LIMITED').details).toMatchObject({
          scope: 'user',
          key: 'anonymous',
        });
        // Two typed lines and one command fill the global bucket.
        expectOk(await backend.executeCommand(s.id, 'true', undefined, { userId: 'bob' }));
        const ran = await backend.executeCommand(s.id, 'true', undefined, { userId: 'carol' });
        expect(expectFailure(ran, 'RATE_LIMITED').details).toMatchObject({ scope: 'global' });
      }));
  });

  describe('audit', () => {
    let now = 0;
    let backend: GuardedBackend;
    const sink = new MemoryAuditSink();
    beforeAll(async () => {
      backend = await started(
        guardBackend(new NodePtyBackend(), {
          backendId: 'audited-pty',
          rateLimit: { perUser: { capacity: 2, refillPerSecond: 1 }, clock: () => now },
          policy: denyPatterns([/\breboot\b/], 'no reboots'),
          audit: { sink },
        }),
      );
    });
    afterAll(() => backend.shutdown());

    const forCommand = (command: string): AuditRecord[] => sink.records.filter((r) => r.command === command);

    it('records completed, failed, timed-out, denied, rate-limited and error outcomes', async () => {
      const s = expectOk(await backend.createSession());
      const t0 = Date.now();
      const ctx = (userId: string) => ({ ...context, userId });
      const hi = expectOk(await backend.executeCommand(s.id, 'echo hi', '0', ctx('u1')));
      now += 1000;
      const three = expectOk(await backend.executeCommand(s.id, 'sh -c "exit 3"', undefined, ctx('u2')));
      const slow = expectOk(
        await backend.executeCommand(s.id, 'sleep 5', undefined, { ...ctx('u3'), timeoutMs: 300 }),
      );
      expect(slow.status).toBe('timed-out');
      expectFailure(await backend.executeCommand(s.id, 'sudo reboot', undefined, ctx('u4')), 'FORBIDDEN');
      expectOk(await backend.executeCommand(s.id, 'echo once', undefined, ctx('mallory')));
      expectOk(await backend.executeCommand(s.id, 'echo again', undefined, ctx('mallory')));
      expectFailure(
        await backend.executeCommand(s.id, 'echo twice', undefined, ctx('mallory')),
        'RATE_LIMITED',
      );
      expectFailure(
        await backend.executeCommand('no-such-session', 'echo lost', undefined, ctx('u5')),
        'SESSION_NOT_FOUND',
      );

      const common = {
        backendId: 'audited-pty',
        backendType: 'node-pty',
        requestId: 'req-1',
        source: 'voice',
      };
      expect(forCommand('echo hi')).toEqual([
        {
          ...common,
          time: new Date(hi.startedAt).toISOString(),
          userId: 'u1',
          sessionId: s.id,
          paneId: '0',
          commandId: hi.id,
          command: 'echo hi',
          commandBytes: 7,
          commandSha256: createHash('sha256').update('echo hi').digest('hex'),
          outcome: 'completed',
          exitCode: 0,
          durationMs: hi.durationMs,
        },
      ]);
      expect(forCommand('sh -c "exit 3"')).toEqual([
        expect.objectContaining({
          ...common,
          userId: 'u2',
          outcome: 'completed',
          exitCode: 3,
          commandId: three.id,
        }),
      ]);
      expect(forCommand('sleep 5')).toEqual([
        expect.objectContaining({
          ...common,
          userId: 'u3',
          outcome: 'timed-out',
          exitCode: slow.exitCode,
          durationMs: slow.durationMs,
        }),
      ]);
      expect(forCommand('sudo reboot')).toEqual([
        expect.objectContaining({
          ...common,
          userId: 'u4',
          sessionId: s.id,
          outcome: 'denied',
          exitCode: null,
          errorCode: 'FORBIDDEN',
          reason: 'no reboots',
        }),
      ]);
      expect(forCommand('echo twice')).toEqual([
        expect.objectContaining({
          ...common,
          userId: 'mallory',
          outcome: 'rate-limited',
          exitCode: null,
          errorCode: 'RATE_LIMITED',
          reason: 'rate limit for user "mallory": retry in 1000 ms',
        }),
      ]);
      expect(forCommand('echo lost')).toEqual([
        expect.objectContaining({
          ...common,
          userId: 'u5',
          sessionId: 'no-such-session',
          outcome: 'error',
          exitCode: null,
          errorCode: 'SESSION_NOT_FOUND',
        }),
      ]);
      for (const record of sink.records) {
        expect(Date.parse(record.time)).toBeGreaterThanOrEqual(t0 - 1000);
        expect(record.durationMs).toBeGreaterThanOrEqual(0);
      }
    });

    it('records each command of a batch with its own exit code', async () => {
      now += 10_000;
      const s = expectOk(await backend.createSession());
      // No userId: the batch is charged to the anonymous identity, whose burst of two it fits.
      const runs = expectOk(
        await backend.executeBatch(s.id, ['echo batch-a', 'false'], undefined, { source: 'api' }),
      );
      expect(forCommand('echo batch-a')).toEqual([
        expect.objectContaining({ source: 'api', commandId: runs[0]!.id, outcome: 'completed', exitCode: 0 }),
      ]);
      expect(forCommand('false')).toEqual([
        expect.objectContaining({ commandId: runs[1]!.id, outcome: 'completed', exitCode: 1 }),
      ]);
    });
  });

  it('masks the secret of a command in the audit file, created 0600', async () => {
    const file = join(dir, 'audit.jsonl');
    const backend = await started(
      guardBackend(new NodePtyBackend(), { audit: { sink: new JsonLinesFileSink(file) } }),
    );
    const command = 'export API_TOKEN=sk-abc123def456ghi789jkl; echo ok';
    try {
      const s = expectOk(await backend.createSession());
      expect(expectOk(await backend.executeCommand(s.id, command, undefined, context)).output).toBe('ok\n');
      expect(expectOk(await backend.executeCommand(s.id, 'echo "$API_TOKEN"')).output).toBe(
        'sk-abc123def456ghi789jkl\n',
      );
    } finally {
      await backend.shutdown();
    }
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('sk-abc123');
    const records = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditRecord);
    expect(records.map((r) => r.command)).toEqual(['export API_TOKEN=***; echo ok', 'echo "$API_TOKEN"']);
    expect(records[0]).toMatchObject({ userId: 'alice', requestId: 'req-1', source: 'voice', exitCode: 0 });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('audits a flood of refused 1 MiB commands in a few KiB: a prefix, a digest and a count', async () => {
    const file = join(dir, 'flood.jsonl');
    const backend = await started(
      guardBackend(new NodePtyBackend(), {
        rateLimit: { perSession: { capacity: 1, refillPerSecond: 1 }, clock: () => 0 },
        audit: { sink: new JsonLinesFileSink(file) },
      }),
    );
    const big = `echo ${'x'.repeat(LIMITS.commandBytes - 5)}`;
    const flood = 50;
    try {
      const s = expectOk(await backend.createSession());
      expectOk(await backend.executeCommand(s.id, 'true'));
      for (let i = 0; i < flood; i++) {
        expectFailure(await backend.executeCommand(s.id, big), 'RATE_LIMITED', { dispatched: false });
      }
    } finally {
      await backend.shutdown();
    }
    // Before: every refusal wrote its whole command, 50 MiB here.
    expect((await stat(file)).size).toBeLessThan(16 * 1024);
    const records = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditRecord);
    const refused = records.filter((r) => r.outcome === 'rate-limited');
    expect(refused.reduce((n, r) => n + (r.count ?? 1), 0)).toBe(flood);
    for (const r of refused) {
      expect(r.command).toBe(big.slice(0, 4096));
      expect(r.commandBytes).toBe(big.length);
      expect(r.commandSha256).toBe(createHash('sha256').update(big).digest('hex'));
    }
  });

  it('accepts a prepared CommandGuard', async () => {
    const sink = new MemoryAuditSink();
    const inner: ITerminalBackend = new NodePtyBackend();
    const backend = await started(
      guardBackend(
        inner,
        new CommandGuard({ backendId: () => inner.id, backendType: 'node-pty', audit: { sink } }),
      ),
    );
    try {
      const s = expectOk(await backend.createSession());
      expectOk(await backend.executeCommand(s.id, 'true'));
      expect(sink.records).toEqual([expect.objectContaining({ backendId: inner.id, command: 'true' })]);
    } finally {
      await backend.shutdown();
    }
  });

  it('refuses arguments that are not strings without dispatching, when active', async () => {
    const backend = await started(guardBackend(new NodePtyBackend(), { policy: () => 'allow' }));
    try {
      const s = expectOk(await backend.createSession());
      expectFailure(await backend.executeCommand(s.id, 42 as never), 'INVALID_INPUT', { dispatched: false });
      expectFailure(await backend.executeCommand(null as never, 'ls'), 'INVALID_INPUT', {
        dispatched: false,
      });
      expectFailure(await backend.executeBatch(s.id, ['ls', 1] as never), 'INVALID_INPUT', {
        dispatched: false,
      });
      expect(expectOk(await backend.executeCommand(s.id, 'echo still-fine')).output).toBe('still-fine\n');
    } finally {
      await backend.shutdown();
    }
  });
});
