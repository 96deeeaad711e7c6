import { PassThrough } from 'node:stream';
import { resolvedOf, sampleAlert } from '../../test/sample-alert';
import { type AlertLogRecord, LogAlertSink } from './log-sink';
import { MemoryAlertSink } from './memory-sink';

describe('LogAlertSink', () => {
  it('writes one JSON line per notification, level from the severity, resolutions at info', () => {
    const stream = new PassThrough();
    const sink = new LogAlertSink({ stream });
    const critical = sampleAlert({ severity: 'critical', summary: 'line one\nline two' });
    sink.deliver(critical);
    sink.deliver(sampleAlert({ severity: 'warning' }));
    sink.deliver(resolvedOf(critical));
    const lines = String(stream.read()).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(3);
    const records = lines.map((l) => JSON.parse(l) as AlertLogRecord);
    expect(records.map((r) => [r.level, r.event, r.time])).toEqual([
      ['error', 'alert-fired', '2030-01-01T00:00:30.000Z'],
      ['warn', 'alert-fired', '2030-01-01T00:00:30.000Z'],
      ['info', 'alert-resolved', '2030-01-01T00:01:30.000Z'],
    ]);
    expect(records[0]).toEqual({
      time: '2030-01-01T00:00:30.000Z',
      level: 'error',
      msg: 'firing: line one\nline two',
      event: 'alert-fired',
      alert: critical,
    });
    expect(records[2]!.msg).toBe('resolved: line one\nline two (clear for 30 s)');
  });

  it('hands records to a logger function instead', () => {
    const seen: AlertLogRecord[] = [];
    new LogAlertSink({ log: (r) => seen.push(r) }).deliver(sampleAlert());
    expect(seen.map((r) => [r.level, r.msg])).toEqual([
      ['warn', 'firing: backend tmux-1 (tmux) unhealthy for 30 s'],
    ]);
  });
});

describe('MemoryAlertSink', () => {
  it('numbers notifications, answers what is new since a number, keeps the latest `limit`', () => {
    const sink = new MemoryAlertSink({ limit: 2 });
    expect(sink.lastSeq).toBe(0);
    const a = sampleAlert({ id: 'a' });
    sink.deliver(a);
    sink.deliver(resolvedOf(a));
    sink.deliver(sampleAlert({ id: 'b' }));
    expect(sink.lastSeq).toBe(3);
    expect(sink.since().map((e) => [e.seq, e.alert.id, e.alert.state])).toEqual([
      [2, 'a', 'resolved'],
      [3, 'b', 'firing'],
    ]);
    expect(sink.since(2).map((e) => e.seq)).toEqual([3]);
    expect(sink.since(3)).toEqual([]);
  });
});
