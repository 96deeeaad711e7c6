import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryAuditSink } from './audit-sinks';
import { createCommandGuard, parseSecurityOptions, securityOptionsSchema } from './options';

describe('securityOptionsSchema', () => {
  it('accepts the documented example and defaults audit.redact to true', () => {
    const parsed = securityOptionsSchema.parse({
      rateLimit: { perSession: { capacity: 10, refillPerSecond: 5 } },
      audit: { file: '/var/log/vth-audit.jsonl' },
    });
    expect(parsed).toEqual({
      rateLimit: { perSession: { capacity: 10, refillPerSecond: 5 } },
      audit: { file: '/var/log/vth-audit.jsonl', redact: true },
    });
    expect(securityOptionsSchema.parse({})).toEqual({});
  });

  it('names every bad path, as INVALID_CONFIG', () => {
    const r = parseSecurityOptions(
      {
        rateLimit: {
          perSession: { capacity: 0, refillPerSecond: -1 },
          perUser: { capacity: 'x' },
          maxKeys: 1.5,
        },
        audit: { file: '', mode: 0o1777 },
        auditt: true,
      },
      'config.security',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('INVALID_CONFIG');
    expect(r.error.details?.['issues']).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^config\.security\.rateLimit\.perSession\.capacity: must be greater than 0/),
        expect.stringMatching(/^config\.security\.rateLimit\.perSession\.refillPerSecond: /),
        expect.stringMatching(/^config\.security\.rateLimit\.perUser\.capacity: must be a number/),
        expect.stringMatching(/^config\.security\.rateLimit\.perUser\.refillPerSecond: /),
        expect.stringMatching(/^config\.security\.rateLimit\.maxKeys: /),
        expect.stringMatching(/^config\.security\.audit\.file: must not be empty/),
        expect.stringMatching(/^config\.security\.audit\.mode: /),
        'config.security.auditt: unknown key',
      ]),
    );
  });

  it('treats a missing section as everything off', () => {
    expect(parseSecurityOptions(undefined)).toEqual({ ok: true, value: {} });
  });
});

function parseOk(input: unknown) {
  const parsed = parseSecurityOptions(input);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

describe('createCommandGuard', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vth-guard-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('builds an inert guard from empty options', () => {
    expect(createCommandGuard({}, { backendId: 'b', backendType: 't' }).active).toBe(false);
  });

  it('wires rate limits with the injected clock', async () => {
    let now = 0;
    const guard = createCommandGuard(
      { rateLimit: { perSession: { capacity: 1, refillPerSecond: 2 } } },
      { backendId: 'b', backendType: 't', clock: () => now },
    );
    expect((await guard.admit({ command: 'ls', sessionId: 's' })).ok).toBe(true);
    const r = await guard.admit({ command: 'ls', sessionId: 's' });
    expect(!r.ok && r.error.details?.['retryAfterMs']).toBe(500);
    now = 500;
    expect((await guard.admit({ command: 'ls', sessionId: 's' })).ok).toBe(true);
  });

  it('wires the global, anonymous and new-session limits', async () => {
    const parsed = parseSecurityOptions({
      rateLimit: {
        perUser: { capacity: 1, refillPerSecond: 1 },
        global: { capacity: 2, refillPerSecond: 1 },
        newSessions: { capacity: 1, refillPerSecond: 1 },
        anonymousUserId: 'guest',
      },
    });
    if (!parsed.ok) throw parsed.error;
    const guard = createCommandGuard(parsed.value, { backendId: 'b', backendType: 't', clock: () => 0 });
    expect((await guard.admit({ command: 'ls', sessionId: 's1' })).ok).toBe(true);
    const anonymous = await guard.admit({ command: 'ls', sessionId: 's2' });
    expect(!anonymous.ok && anonymous.error.details).toMatchObject({ scope: 'user', key: 'guest' });
    expect((await guard.admit({ command: 'ls', sessionId: 's2', context: { userId: 'a' } })).ok).toBe(true);
    const global = await guard.admit({ command: 'ls', sessionId: 's3', context: { userId: 'b' } });
    expect(!global.ok && global.error.details).toMatchObject({ scope: 'global' });
    expect((await guard.admitSession({})).ok).toBe(true);
    expect((await guard.admitSession({})).ok).toBe(false);
    expect(parseSecurityOptions({ rateLimit: { anonymousUserId: '' } }).ok).toBe(false);
  });

  it('writes the audit file and a hook sink alike, redacted unless audit.redact is false', async () => {
    const file = join(dir, 'audit.jsonl');
    const sink = new MemoryAuditSink();
    const guard = createCommandGuard(securityOptionsSchema.parse({ audit: { file } }), {
      backendId: 'b',
      backendType: 't',
      sink,
      policy: () => 'deny',
    });
    await guard.admit({ command: 'mysql -phunter2', sessionId: 's' });
    await guard.close();
    const line = JSON.parse((await readFile(file, 'utf8')).trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ command: 'mysql -p***', outcome: 'denied' });
    expect(sink.records).toEqual([line]);

    const plainFile = join(dir, 'plain.jsonl');
    const plain = createCommandGuard(
      securityOptionsSchema.parse({ audit: { file: plainFile, redact: false } }),
      {
        backendId: 'b',
        backendType: 't',
        policy: () => 'deny',
      },
    );
    await plain.admit({ command: 'mysql -phunter2', sessionId: 's' });
    await plain.close();
    expect(await readFile(plainFile, 'utf8')).toContain('mysql -phunter2');
  });

  it('passes audit.maxCommandBytes and audit.coalesceWindowMs on, with or without a file', async () => {
    const sink = new MemoryAuditSink();
    const guard = createCommandGuard(
      securityOptionsSchema.parse({ audit: { maxCommandBytes: 8, coalesceWindowMs: 0 } }),
      { backendId: 'b', backendType: 't', sink, policy: () => 'deny' },
    );
    for (let i = 0; i < 3; i++) await guard.admit({ command: 'echo 0123456789', sessionId: 's' });
    await guard.close();
    expect(sink.records.map((r) => [r.command, r.commandBytes])).toEqual([
      ['echo 012', 15],
      ['echo 012', 15],
      ['echo 012', 15],
    ]);
    expect(parseSecurityOptions({ audit: { maxCommandBytes: 0, coalesceWindowMs: -1 } }).ok).toBe(false);
  });

  it('passes input.untracked and input.maxLineBytes on', async () => {
    const parsed = parseSecurityOptions({ input: { untracked: 'check', maxLineBytes: 4 } });
    if (!parsed.ok) throw parsed.error;
    const guard = createCommandGuard(parsed.value, {
      backendId: 'b',
      backendType: 't',
      policy: () => 'allow',
    });
    expect((await guard.admitInput({ data: 'ls\x1b[A\n', sessionId: 's' })).ok).toBe(true);
    const denying = createCommandGuard(parseOk({ input: { untracked: 'deny' } }), {
      backendId: 'b',
      backendType: 't',
      policy: () => 'allow',
    });
    expect((await denying.admitInput({ data: 'ls\x1b[A\n', sessionId: 's' })).ok).toBe(false);
    // Longer than 4 bytes: a guess, checked like any line under 'check'.
    expect((await guard.admitInput({ data: 'echo hello\n', sessionId: 's' })).ok).toBe(true);
    expect(parseSecurityOptions({ input: { untracked: 'allow' } }).ok).toBe(false);
  });

  it('keeps writing to the other sinks when one fails, and reports it', async () => {
    const file = join(dir, 'audit.jsonl');
    const onError = jest.fn();
    const guard = createCommandGuard(securityOptionsSchema.parse({ audit: { file } }), {
      backendId: 'b',
      backendType: 't',
      sink: {
        write: () => {
          throw new Error('broken hook sink');
        },
      },
      onError,
      policy: () => 'deny',
    });
    await guard.admit({ command: 'ls', sessionId: 's' });
    await guard.close();
    expect(await readFile(file, 'utf8')).toContain('"command":"ls"');
    expect(onError).toHaveBeenCalledWith(
      expect.objectContaining({ message: 'audit sink failed: broken hook sink' }),
      expect.anything(),
    );
  });
});
