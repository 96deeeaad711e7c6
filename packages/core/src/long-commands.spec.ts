import {
  formatCommandHandle,
  parseCommandHandle,
  readOutputOptionsSchema,
  waitForOptionsSchema,
} from './long-commands';

describe('command handles', () => {
  it('round-trip through format and parse', () => {
    const parts = { sessionId: 'dev-1', paneId: '%3', commandId: 'cmd_x-9' };
    const parsed = parseCommandHandle(formatCommandHandle(parts));
    expect(parsed).toEqual({ ok: true, value: parts });
  });

  it.each([[''], ['s1:0'], ['s1:0:c:d'], [':0:c'], ['s 1:0:c'], [42], [null], ['a'.repeat(300)]])(
    'refuse %p as INVALID_INPUT, never dispatched',
    (value) => {
      const parsed = parseCommandHandle(value);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) {
        expect(parsed.error.code).toBe('INVALID_INPUT');
        expect(parsed.error.dispatched).toBe(false);
      }
    },
  );
});

describe('long-command options', () => {
  it('waitFor takes exactly one condition and a deadline', () => {
    expect(waitForOptionsSchema.safeParse({ pattern: 'ready', timeoutMs: 1000 }).success).toBe(true);
    expect(waitForOptionsSchema.safeParse({ exit: true, timeoutMs: 1000 }).success).toBe(true);
    expect(waitForOptionsSchema.safeParse({ timeoutMs: 1000 }).success).toBe(false);
    expect(waitForOptionsSchema.safeParse({ idleMs: 5, exit: true, timeoutMs: 1000 }).success).toBe(false);
    expect(waitForOptionsSchema.safeParse({ pattern: 'ready' }).success).toBe(false);
    expect(waitForOptionsSchema.safeParse({ pattern: '(', timeoutMs: 1000 }).success).toBe(false);
  });

  it('readOutput refuses unknown keys and negative offsets', () => {
    expect(readOutputOptionsSchema.safeParse({ sinceOffset: 0, waitMs: 10, maxBytes: 5 }).success).toBe(true);
    expect(readOutputOptionsSchema.safeParse({ sinceOffset: -1 }).success).toBe(false);
    expect(readOutputOptionsSchema.safeParse({ since: 0 }).success).toBe(false);
  });
});
