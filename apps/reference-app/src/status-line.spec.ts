import { type CommandExecution } from '@vth/core';
import { EXIT, exitCodeOf } from './exit-codes';
import { formatDuration, statusLine } from './status-line';

const execution = (fields: Partial<CommandExecution>): CommandExecution => ({
  id: 'c1',
  sessionId: 's1',
  paneId: '0',
  command: 'true',
  status: 'completed',
  exitCode: 0,
  output: '',
  truncatedBytes: 0,
  startedAt: 0,
  durationMs: 1.42,
  backendId: 'b1',
  ...fields,
});

describe('statusLine', () => {
  it.each([
    [{ exitCode: 0 }, '[exit 0 · 1.4 ms]'],
    [{ exitCode: 1, durationMs: 2310 }, '[exit 1 · 2.31 s]'],
    [{ exitCode: null }, '[exit — (none reported) · 1.4 ms]'],
    [{ status: 'timed-out' as const, exitCode: null, durationMs: 300.04 }, '[timed-out · 300.0 ms]'],
    [{ status: 'interrupted' as const, exitCode: null }, '[interrupted · 1.4 ms]'],
  ])('%j -> %s', (fields, line) => {
    expect(statusLine(execution(fields))).toBe(line);
  });

  it('formats durations in ms below a second and s above', () => {
    expect(formatDuration(0.04)).toBe('0.0 ms');
    expect(formatDuration(999.94)).toBe('999.9 ms');
    expect(formatDuration(1000)).toBe('1.00 s');
  });
});

describe('exitCodeOf', () => {
  it.each([
    [{ exitCode: 3 }, 3],
    [{ exitCode: null }, EXIT.ok],
    [{ status: 'timed-out' as const, exitCode: null }, 124],
    [{ status: 'interrupted' as const, exitCode: null }, 130],
    [{ status: 'lost' as const, exitCode: null }, 1],
  ])('%j -> %i', (fields, code) => {
    expect(exitCodeOf(execution(fields))).toBe(code);
  });
});
