import { ok, type CommandExecution } from '@vth/core';
import { PatternMatcher } from './pattern-matcher';
import { RunningCommand } from './running-command';

const matcher = new PatternMatcher();
afterAll(() => matcher.close());

const place = {
  handle: 's:0:c',
  sessionId: 's',
  paneId: '0',
  commandId: 'c',
  command: 'serve',
  startedAt: 1,
};

function ended(status: CommandExecution['status'], exitCode: number | null) {
  return ok({
    ...place,
    id: 'c',
    status,
    exitCode,
    output: '',
    truncatedBytes: 0,
    durationMs: 5,
    backendId: 'b',
    cwd: '/srv',
  });
}

describe('RunningCommand', () => {
  it('keeps only its most recent bytes: a reader from 0 learns how many it missed', async () => {
    const running = new RunningCommand(place, 1024);
    running.append('x'.repeat(5000));
    const read = await running.read({ sinceOffset: 0 });
    expect(
      read.ok && {
        offset: read.value.offset,
        skipped: read.value.skippedBytes,
        bytes: read.value.output.length,
        next: read.value.nextOffset,
      },
    ).toEqual({
      offset: 3976,
      skipped: 3976,
      bytes: 1024,
      next: 5000,
    });
  });

  it('reads on from where the last read stopped by default, and waits for what is new', async () => {
    const running = new RunningCommand(place, 1024);
    running.append('one\n');
    const first = await running.read({});
    expect(first.ok && first.value.output).toBe('one\n');
    const waiting = running.read({ waitMs: 60_000 });
    running.append('two\n');
    const second = await waiting;
    expect(second.ok && [second.value.offset, second.value.output]).toEqual([4, 'two\n']);
  });

  it('matches a pattern with its byte offset (multibyte text before it), ends waits on the command end', async () => {
    const running = new RunningCommand(place, 1024);
    const found = running.waitFor({ pattern: 'ready (\\d+)', timeoutMs: 60_000 }, matcher);
    running.append('élan ');
    running.append('ready 42\n');
    const match = await found;
    expect(match.ok && match.value).toMatchObject({
      reason: 'pattern',
      match: { text: 'ready 42', offset: 6 },
    });
    const exit = running.waitFor({ exit: true, timeoutMs: 60_000 }, matcher);
    running.end(ended('completed', 0));
    const done = await exit;
    expect(done.ok && done.value).toMatchObject({
      reason: 'exit',
      status: 'completed',
      exitCode: 0,
      cwd: '/srv',
    });
  });

  it('answers the error of a command whose shell died, and refuses an offset past the end', async () => {
    const running = new RunningCommand(place, 1024);
    running.append('abc');
    const beyond = await running.read({ sinceOffset: 4 });
    expect(!beyond.ok && beyond.error.code).toBe('INVALID_INPUT');
    running.end({
      ok: false,
      error: Object.assign(new Error('gone'), { code: 'BACKEND_CRASHED', dispatched: true }) as never,
    });
    const after = await running.read({});
    expect(!after.ok && after.error.code).toBe('BACKEND_CRASHED');
  });
});
