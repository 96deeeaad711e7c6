import { AuditLog, defaultRedact, REDACTION_FAILED, type AuditRecord } from './audit-log';
import { CallbackAuditSink, MemoryAuditSink } from './audit-sinks';

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
      record({ command: 'mysql -p*** app' }),
      record({
        command: 'mysql -p*** app',
        outcome: 'denied',
        reason: 'refused: password=***',
        exitCode: null,
      }),
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
    expect(sink.records).toEqual([expected]);
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

describe('MemoryAuditSink', () => {
  it('keeps the newest maxRecords records', () => {
    const sink = new MemoryAuditSink(2);
    for (const command of ['a', 'b', 'c']) sink.write(record({ command }));
    expect(sink.records.map((r) => r.command)).toEqual(['b', 'c']);
    sink.clear();
    expect(sink.records).toEqual([]);
  });
});
