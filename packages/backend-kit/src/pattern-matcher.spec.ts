import { PatternMatcher } from './pattern-matcher';

describe('PatternMatcher', () => {
  const matcher = new PatternMatcher();
  afterAll(() => matcher.close());

  it('finds the first match and its index', async () => {
    expect(await matcher.match('port (\\d+)', 'listening on port 4000\n')).toEqual({
      index: 13,
      text: 'port 4000',
    });
    expect(await matcher.match('nowhere', 'listening on port 4000\n')).toBeNull();
  });

  it('stops a catastrophic pattern and an innocent one on hostile output, and goes on matching after', async () => {
    // In-process these take seconds each (measured: 3.2 s and 5.1 s), stalling every session meanwhile.
    expect(await matcher.match('(a+)+$', `${'a'.repeat(40)}!`)).toBe('too-slow');
    expect(await matcher.match('.*x.*y', 'a'.repeat(65_536))).toBe('too-slow');
    expect(await matcher.match('ready', 'ready\n')).toEqual({ index: 0, text: 'ready' });
  });

  it('answers tests queued behind a slow one in turn, each with its own budget', async () => {
    const slow = matcher.match('(a+)+$', `${'a'.repeat(40)}!`);
    const quick = matcher.match('b', 'abc');
    expect(await slow).toBe('too-slow');
    expect(await quick).toEqual({ index: 1, text: 'b' });
  });

  it('answers no match once closed', async () => {
    const closed = new PatternMatcher();
    expect(await closed.match('a', 'a')).toEqual({ index: 0, text: 'a' });
    await closed.close();
    expect(await closed.match('a', 'a')).toBeNull();
  });
});
