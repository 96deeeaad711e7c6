import { createHash } from 'node:crypto';
import { AuditLog, defaultRedact, REDACTION_FAILED, type AuditRecord } from './audit-log';
import { CallbackAuditSink, MemoryAuditSink } from './audit-sinks';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** A record as the log writes it: the command followed by its length and digest. */
const written = (r: AuditRecord): AuditRecord => {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(r)) {
    out[key] = value;
    if (key === 'command') {
      out['commandBytes'] = Buffer.byteLength(r.command);
      out['commandSha256'] = sha256(r.command);
    }
  }
  return out as unknown as AuditRecord;
};

const record = (over: Partial<AuditRecord> = {}): AuditRecord => ({
  time: '2025-01-01T00:00:00.000Z',
  backendId: 'b1',
  backendType: 'node-pty',
  userId: 'alice',
  sessionId: 's1',
  command: 'mysql -phunter2 app',
  outcome: 'completed',
  exitCode: 0,
  durationMs: 5,
  ...over,
});

describe('AuditLog', () => {
  it('hands each record to the sink, redacted by default', () => {
    const sink = new MemoryAuditSink();
    const audit = new AuditLog({ sink });
    audit.record(record());
    audit.record(record({ outcome: 'denied', reason: 'refused: password=hunter2', exitCode: null }));
    expect(sink.records).toEqual([
      written(record({ command: 'mysql -p*** app' })),
      written(
        record({
          command: 'mysql -p*** app',
          outcome: 'denied',
          reason: 'refused: password=***',
          exitCode: null,
        }),
      ),
    ]);
  });

  it('writes commands verbatim with redact: false', () => {
    const sink = new MemoryAuditSink();
    new AuditLog({ sink, redact: false }).record(record());
    expect(sink.records[0]!.command).toBe('mysql -phunter2 app');
  });

  it('applies a custom redactor', () => {
    const sink = new MemoryAuditSink();
    const audit = new AuditLog({ sink, redact: (r) => ({ ...defaultRedact(r), userId: 'u-hash' }) });
    audit.record(record());
    expect(sink.records[0]).toMatchObject({ command: 'mysql -p*** app', userId: 'u-hash' });
  });

  it.each([
    [
      'throws',
      () => {
        throw new Error('regex bug');
      },
    ],
    ['returns nothing', () => undefined as unknown as AuditRecord],
  ])('drops the command and the reason when the redactor %s, and reports it', (_what, redact) => {
    const sink = new MemoryAuditSink();
    const onError = jest.fn();
    const audit = new AuditLog({ sink, redact, onError });
    expect(() => audit.record(record({ reason: 'quotes password=hunter2' }))).not.toThrow();
    const { reason: _reason, ...expected } = record({ command: REDACTION_FAILED });
    expect(sink.records).toEqual([written(expected)]);
    expect(onError).toHaveBeenCalledWith(expect.any(Error), expected);
    expect((onError.mock.calls[0]![0] as Error).message).toMatch(/^audit redaction failed: /);
  });

  it('reports a sink that throws and goes on', () => {
    const onError = jest.fn();
    const audit = new AuditLog({
      sink: {
        write: () => {
          throw new Error('disk on fire');
        },
      },
      onError,
    });
    expect(() => audit.record(record())).not.toThrow();
    expect(onError.mock.calls[0]![0].message).toBe('audit sink failed: disk on fire');
  });

  it('reports an async sink that rejects, and flush waits for pending writes', async () => {
    const onError = jest.fn();
    const written: string[] = [];
    const audit = new AuditLog({
      sink: new CallbackAuditSink(async (r) => {
        await new Promise((resolve) => setImmediate(resolve));
        if (r.command === 'bad') throw new Error('queue full');
        written.push(r.command);
      }),
      onError,
      redact: false,
    });
    audit.record(record({ command: 'a' }));
    audit.record(record({ command: 'bad' }));
    audit.record(record({ command: 'b' }));
    expect(written).toEqual([]);
    await audit.flush();
    expect(written).toEqual(['a', 'b']);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]![0].message).toBe('audit sink failed: queue full');
    expect(onError.mock.calls[0]![1]).toMatchObject({ command: 'bad' });
  });

  it('survives an onError that throws', () => {
    const audit = new AuditLog({
      sink: {
        write: () => {
          throw new Error('x');
        },
      },
      onError: () => {
        throw new Error('handler bug');
      },
    });
    expect(() => audit.record(record())).not.toThrow();
  });

  it('reports through process warnings by default, ten at most', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const audit = new AuditLog({
        sink: {
          write: () => {
            throw new Error('ENOSPC');
          },
        },
      });
      for (let i = 0; i < 50; i++) audit.record(record());
      expect(warn).toHaveBeenCalledTimes(11);
      expect(warn).toHaveBeenCalledWith('audit sink failed: ENOSPC', { code: 'VTH_AUDIT' });
      expect(warn.mock.calls[10]![0]).toMatch(/further audit errors are not reported/);
    } finally {
      warn.mockRestore();
    }
  });

  it('closes the sink after flushing, and reports a failing close', async () => {
    const order: string[] = [];
    const onError = jest.fn();
    const audit = new AuditLog({
      sink: {
        write: async () => {
          await new Promise((resolve) => setImmediate(resolve));
          order.push('write');
        },
        close: async () => {
          order.push('close');
          throw new Error('EBADF');
        },
      },
      onError,
    });
    audit.record(record());
    await audit.close();
    expect(order).toEqual(['write', 'close']);
    expect(onError.mock.calls[0]![0].message).toBe('closing the audit sink failed: EBADF');
  });
});

describe('AuditLog: bounded commands', () => {
  it('keeps a 4 KiB prefix of a 1 MiB command, with the whole length and sha256', () => {
    const sink = new MemoryAuditSink();
    const command = `echo ${'x'.repeat(1 << 20)}`;
    new AuditLog({ sink }).record(record({ command, reason: `refused: ${command}` }));
    const [r] = sink.records;
    expect(r!.command).toBe(command.slice(0, 4096));
    expect(r!.commandBytes).toBe(command.length);
    expect(r!.commandSha256).toBe(sha256(command));
    expect(r!.reason).toBe(`refused: ${command}`.slice(0, 4096));
    expect(Buffer.byteLength(JSON.stringify(r))).toBeLessThan(9000);
  });

  it('cuts at a character boundary and honours maxCommandBytes', () => {
    const sink = new MemoryAuditSink();
    const command = `echo ${'é'.repeat(10)}`; // 5 + 20 bytes
    new AuditLog({ sink, maxCommandBytes: 10 }).record(record({ command }));
    expect(sink.records[0]).toMatchObject({
      command: 'echo éé',
      commandBytes: 25,
      commandSha256: sha256(command),
    });
  });

  it('digests the redacted command: the digest cannot confirm a guess of a masked secret', () => {
    const sink = new MemoryAuditSink();
    new AuditLog({ sink }).record(record({ command: 'mysql -phunter2 app' }));
    expect(sink.records[0]).toMatchObject({
      command: 'mysql -p*** app',
      commandSha256: sha256('mysql -p*** app'),
    });
    expect(JSON.stringify(sink.records)).not.toContain(sha256('mysql -phunter2 app'));
  });

  it('refuses a maxCommandBytes or coalesceWindowMs that makes no sense', () => {
    const sink = new MemoryAuditSink();
    expect(() => new AuditLog({ sink, maxCommandBytes: 0 })).toThrow(RangeError);
    expect(() => new AuditLog({ sink, coalesceWindowMs: -1 })).toThrow(RangeError);
  });
});

describe('AuditLog: repeated refusals', () => {
  let now = 0;
  const clock = () => now;
  /** The coalescing windows follow `clock`; their timers follow Jest's fake timers. */
  const advance = (ms: number) => {
    now += ms;
    jest.advanceTimersByTime(ms);
  };
  beforeEach(() => {
    jest.useFakeTimers();
    now = 0;
  });
  afterEach(() => jest.useRealTimers());

  const refusal = (n: number, over: Partial<AuditRecord> = {}) =>
    record({
      time: new Date(Date.UTC(2025, 0, 1) + n).toISOString(),
      command: `cmd ${n}`,
      outcome: 'rate-limited',
      exitCode: null,
      errorCode: 'RATE_LIMITED',
      reason: 'rate limit',
      ...over,
    });

  it('writes the first refusal at once, and its repeats within the window as one record with a count', () => {
    const sink = new MemoryAuditSink();
    const audit = new AuditLog({ sink, clock, coalesceWindowMs: 1000 });
    for (let i = 0; i < 100; i++) audit.record(refusal(i));
    expect(sink.records.map((r) => [r.command, r.count])).toEqual([['cmd 0', undefined]]);
    advance(999);
    expect(sink.records).toHaveLength(1);
    advance(1);
    expect(sink.records).toHaveLength(2);
    expect(sink.records[1]).toEqual(written({ ...refusal(1), count: 99, lastTime: refusal(99).time }));
  });

  it('keeps one record per window while a flood goes on, and counts every refusal', () => {
    const sink = new MemoryAuditSink();
    const audit = new AuditLog({ sink, clock, coalesceWindowMs: 1000 });
    let sent = 0;
    for (let window = 0; window < 5; window++) {
      for (let i = 0; i < 50; i++) audit.record(refusal(sent++));
      advance(1000);
    }
    advance(1000); // a quiet window ends the burst
    expect(sink.records).toHaveLength(6);
    expect(sink.records.reduce((n, r) => n + (r.count ?? 1), 0)).toBe(sent);
    // After the burst, a refusal is written at once again.
    audit.record(refusal(sent));
    expect(sink.records).toHaveLength(7);
    expect(sink.records[6]!.count).toBeUndefined();
  });

  it('writes what the windows hold at close, without waiting for them to end', async () => {
    const sink = new MemoryAuditSink();
    const audit = new AuditLog({ sink, clock, coalesceWindowMs: 60_000 });
    for (let i = 0; i < 10; i++) audit.record(refusal(i));
    await audit.close();
    expect(sink.records.map((r) => r.count ?? 1)).toEqual([1, 9]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('coalesces per session, user and error code; never records that ran', () => {
    const sink = new MemoryAuditSink();
    const audit = new AuditLog({ sink, clock, coalesceWindowMs: 1000 });
    audit.record(refusal(0));
    audit.record(refusal(1, { sessionId: 's2' }));
    audit.record(refusal(2, { userId: 'bob' }));
    audit.record(refusal(3, { outcome: 'denied', errorCode: 'FORBIDDEN', reason: 'no' }));
    audit.record(record({ command: 'ok 1' }));
    audit.record(record({ command: 'ok 2' }));
    expect(sink.records.map((r) => r.command)).toEqual(['cmd 0', 'cmd 1', 'cmd 2', 'cmd 3', 'ok 1', 'ok 2']);
  });

  it('writes every refusal with coalesceWindowMs: 0', () => {
    const sink = new MemoryAuditSink();
    const audit = new AuditLog({ sink, clock, coalesceWindowMs: 0 });
    for (let i = 0; i < 5; i++) audit.record(refusal(i));
    expect(sink.records).toHaveLength(5);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('keeps the records of one refused call together', () => {
    const sink = new MemoryAuditSink();
    const audit = new AuditLog({ sink, clock, coalesceWindowMs: 1000 });
    audit.recordAll([refusal(0), refusal(1)]);
    audit.recordAll([refusal(2), refusal(3)]);
    audit.recordAll([refusal(4), refusal(5)]);
    expect(sink.records.map((r) => r.command)).toEqual(['cmd 0', 'cmd 1']);
    advance(1000);
    expect(sink.records.map((r) => [r.command, r.count])).toEqual([
      ['cmd 0', undefined],
      ['cmd 1', undefined],
      ['cmd 2', 2],
      ['cmd 3', 2],
    ]);
  });
});

describe('MemoryAuditSink', () => {
  it('keeps the newest maxRecords records', () => {
    const sink = new MemoryAuditSink(2);
    for (const command of ['a', 'b', 'c']) sink.write(record({ command }));
    expect(sink.records.map((r) => r.command)).toEqual(['b', 'c']);
    sink.clear();
    expect(sink.records).toEqual([]);
  });
});
