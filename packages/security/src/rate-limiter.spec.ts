import { RateLimiter } from './rate-limiter';

function fakeClock() {
  let now = 0;
  return { clock: () => now, advance: (ms: number) => void (now += ms) };
}

describe('RateLimiter', () => {
  it('admits everything when no scope is configured', () => {
    const limiter = new RateLimiter();
    expect(limiter.enabled).toBe(false);
    for (let i = 0; i < 100; i++) expect(limiter.check({ sessionId: 's', userId: 'u' }).ok).toBe(true);
  });

  it('limits each session on its own', () => {
    const { clock } = fakeClock();
    const limiter = new RateLimiter({ perSession: { capacity: 2, refillPerSecond: 1 }, clock });
    expect(limiter.check({ sessionId: 's1' }).ok).toBe(true);
    expect(limiter.check({ sessionId: 's1' }).ok).toBe(true);
    expect(limiter.check({ sessionId: 's1' }).ok).toBe(false);
    expect(limiter.check({ sessionId: 's2' }).ok).toBe(true);
  });

  it('limits each user across sessions, and users independently', () => {
    const { clock } = fakeClock();
    const limiter = new RateLimiter({ perUser: { capacity: 2, refillPerSecond: 1 }, clock });
    expect(limiter.check({ sessionId: 's1', userId: 'alice' }).ok).toBe(true);
    expect(limiter.check({ sessionId: 's2', userId: 'alice' }).ok).toBe(true);
    expect(limiter.check({ sessionId: 's3', userId: 'alice' }).ok).toBe(false);
    expect(limiter.check({ sessionId: 's1', userId: 'bob' }).ok).toBe(true);
    // No user: the anonymous identity, a bucket of its own.
    expect(limiter.check({ sessionId: 's1' }).ok).toBe(true);
  });

  it('charges calls without a userId to one anonymous identity: leaving userId out is no way around perUser', () => {
    const { clock } = fakeClock();
    const limiter = new RateLimiter({ perUser: { capacity: 2, refillPerSecond: 1 }, clock });
    expect(limiter.check({ sessionId: 's1' }).ok).toBe(true);
    expect(limiter.check({ sessionId: 's2' }).ok).toBe(true);
    const r = limiter.check({ sessionId: 's3' });
    expect(!r.ok && r.error).toMatchObject({
      code: 'RATE_LIMITED',
      message: 'rate limit for user "anonymous": retry in 1000 ms',
      details: { retryAfterMs: 1000, scope: 'user', key: 'anonymous' },
    });
    expect(limiter.check({ sessionId: 's3', userId: 'alice' }).ok).toBe(true);
    const named = new RateLimiter({
      perUser: { capacity: 1, refillPerSecond: 1 },
      anonymousUserId: 'unauthenticated',
      clock,
    });
    named.check({ sessionId: 's1' });
    const n = named.check({ sessionId: 's1' });
    expect(!n.ok && n.error.details).toMatchObject({ key: 'unauthenticated' });
  });

  it('keeps one global bucket for every call, whatever its session or user', () => {
    const { clock } = fakeClock();
    const limiter = new RateLimiter({
      perSession: { capacity: 5, refillPerSecond: 1 },
      global: { capacity: 3, refillPerSecond: 2 },
      clock,
    });
    expect(limiter.check({ sessionId: 'a', userId: 'u1' }).ok).toBe(true);
    expect(limiter.check({ sessionId: 'b', userId: 'u2' }).ok).toBe(true);
    expect(limiter.check({ sessionId: 'c' }).ok).toBe(true);
    const r = limiter.check({ sessionId: 'd', userId: 'u4' });
    expect(!r.ok && r.error).toMatchObject({
      message: 'backend-wide rate limit: retry in 500 ms',
      details: { retryAfterMs: 500, scope: 'global', key: '*' },
    });
  });

  it('limits how fast each user (anonymous included) opens sessions', () => {
    const { clock, advance } = fakeClock();
    const limiter = new RateLimiter({ newSessions: { capacity: 2, refillPerSecond: 0.5 }, clock });
    expect(limiter.enabled).toBe(true);
    expect(limiter.checkNewSession('alice').ok).toBe(true);
    expect(limiter.checkNewSession('alice').ok).toBe(true);
    const r = limiter.checkNewSession('alice');
    expect(!r.ok && r.error).toMatchObject({
      code: 'RATE_LIMITED',
      dispatched: false,
      message: 'session creation rate limit for user "alice": retry in 2000 ms',
      details: { retryAfterMs: 2000, scope: 'new-session', key: 'alice' },
    });
    expect(limiter.checkNewSession(undefined).ok).toBe(true);
    expect(limiter.checkNewSession(undefined).ok).toBe(true);
    expect(limiter.checkNewSession(undefined).ok).toBe(false);
    // Opening sessions costs nothing from the command buckets, and commands nothing from this one.
    expect(limiter.check({ sessionId: 's1', userId: 'alice' }).ok).toBe(true);
    advance(2000);
    expect(limiter.checkNewSession('alice').ok).toBe(true);
  });

  it('answers RATE_LIMITED, undispatched, with the wait, the scope and the key', () => {
    const { clock, advance } = fakeClock();
    const limiter = new RateLimiter({ perUser: { capacity: 1, refillPerSecond: 5 }, clock });
    limiter.check({ sessionId: 's1', userId: 'alice' });
    advance(80);
    const r = limiter.check({ sessionId: 's1', userId: 'alice' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({
      name: 'BackendError',
      code: 'RATE_LIMITED',
      dispatched: false,
      message: 'rate limit for user "alice": retry in 120 ms',
      details: { retryAfterMs: 120, scope: 'user', key: 'alice' },
    });
    advance(120);
    expect(limiter.check({ sessionId: 's1', userId: 'alice' }).ok).toBe(true);
  });

  it('takes from every bucket or from none', () => {
    const { clock } = fakeClock();
    const limiter = new RateLimiter({
      perSession: { capacity: 2, refillPerSecond: 1 },
      perUser: { capacity: 1, refillPerSecond: 1 },
      clock,
    });
    expect(limiter.check({ sessionId: 's1', userId: 'alice' }).ok).toBe(true); // s1: 1 left, alice: 0
    const refused = limiter.check({ sessionId: 's1', userId: 'alice' });
    expect(!refused.ok && refused.error.details).toMatchObject({ scope: 'user', key: 'alice' });
    // Had alice's refused command taken s1's token, bob would be refused here.
    expect(limiter.check({ sessionId: 's1', userId: 'bob' }).ok).toBe(true);
    const dry = limiter.check({ sessionId: 's1', userId: 'carol' });
    expect(!dry.ok && dry.error.details).toMatchObject({ scope: 'session', key: 's1', retryAfterMs: 1000 });
    // carol's refusal by the session bucket left her own token alone.
    expect(limiter.check({ sessionId: 's2', userId: 'carol' }).ok).toBe(true);
  });

  it('names the bucket with the longest wait when several refuse', () => {
    const { clock } = fakeClock();
    const limiter = new RateLimiter({
      perSession: { capacity: 1, refillPerSecond: 10 },
      perUser: { capacity: 1, refillPerSecond: 1 },
      clock,
    });
    limiter.check({ sessionId: 's1', userId: 'alice' });
    const r = limiter.check({ sessionId: 's1', userId: 'alice' });
    expect(!r.ok && r.error.details).toEqual({ retryAfterMs: 1000, scope: 'user', key: 'alice' });
  });

  it('charges a batch its length, and refuses for good a batch larger than the burst', () => {
    const { clock } = fakeClock();
    const limiter = new RateLimiter({ perSession: { capacity: 3, refillPerSecond: 1 }, clock });
    expect(limiter.check({ sessionId: 's1' }, 2).ok).toBe(true);
    const r = limiter.check({ sessionId: 's1' }, 2);
    expect(!r.ok && r.error.details).toEqual({ retryAfterMs: 1000, scope: 'session', key: 's1' });
    const never = limiter.check({ sessionId: 's2' }, 4);
    expect(!never.ok && never.error.details).toEqual({ retryAfterMs: null, scope: 'session', key: 's2' });
    expect(!never.ok && never.error.message).toMatch(/4 commands at once exceed the burst capacity/);
    // The refused batch took nothing.
    expect(limiter.check({ sessionId: 's2' }, 3).ok).toBe(true);
  });

  it('forgets a session on request', () => {
    const { clock } = fakeClock();
    const limiter = new RateLimiter({ perSession: { capacity: 1, refillPerSecond: 1 }, clock });
    limiter.check({ sessionId: 's1' });
    expect(limiter.check({ sessionId: 's1' }).ok).toBe(false);
    expect(limiter.trackedKeys('session')).toBe(1);
    limiter.forgetSession('s1');
    expect(limiter.trackedKeys('session')).toBe(0);
    expect(limiter.check({ sessionId: 's1' }).ok).toBe(true);
  });

  it('tracks at most maxKeys per scope, forgetting the least recently used', () => {
    const { clock } = fakeClock();
    const limiter = new RateLimiter({
      perSession: { capacity: 1, refillPerSecond: 1 },
      perUser: { capacity: 1, refillPerSecond: 1 },
      maxKeys: 2,
      clock,
    });
    limiter.check({ sessionId: 's1', userId: 'u1' }); // s1, u1 dry
    limiter.check({ sessionId: 's2', userId: 'u2' }); // s2, u2 dry
    expect(limiter.check({ sessionId: 's1', userId: 'u1' }).ok).toBe(false); // touches s1 and u1
    limiter.check({ sessionId: 's3', userId: 'u3' }); // evicts s2 and u2, the least recently used
    expect(limiter.trackedKeys('session')).toBe(2);
    expect(limiter.trackedKeys('user')).toBe(2);
    expect(limiter.check({ sessionId: 's1', userId: 'u1' }).ok).toBe(false); // still remembered
    expect(limiter.check({ sessionId: 's2', userId: 'u2' }).ok).toBe(true); // forgotten, so fresh
    for (let i = 0; i < 1000; i++) limiter.check({ sessionId: `flood-${i}`, userId: `flood-${i}` });
    expect(limiter.trackedKeys('session')).toBe(2);
    expect(limiter.trackedKeys('user')).toBe(2);
  });

  it('charges typed input to the session owner, anonymous when unknown, and forgets owners with the session', () => {
    const { clock } = fakeClock();
    const limiter = new RateLimiter({ perUser: { capacity: 1, refillPerSecond: 1 }, clock });
    limiter.sessionOpened('s1', 'alice');
    expect(limiter.checkInput('s1').ok).toBe(true);
    const mine = limiter.checkInput('s1');
    expect(!mine.ok && mine.error.details).toMatchObject({ scope: 'user', key: 'alice' });
    expect(limiter.checkInput('s2').ok).toBe(true);
    const anonymous = limiter.checkInput('s2');
    expect(!anonymous.ok && anonymous.error.details).toMatchObject({ key: 'anonymous' });
    // A session id reused by someone else is theirs, not alice's.
    limiter.forgetSession('s1');
    limiter.sessionOpened('s1', 'bob');
    expect(limiter.checkInput('s1').ok).toBe(true);
  });

  it('remembers at most maxKeys session owners', () => {
    const { clock } = fakeClock();
    const limiter = new RateLimiter({ perUser: { capacity: 1, refillPerSecond: 1 }, maxKeys: 2, clock });
    limiter.sessionOpened('s1', 'alice');
    limiter.sessionOpened('s2', 'bob');
    limiter.sessionOpened('s3', 'carol'); // forgets s1's owner: its lines are anonymous now
    expect(limiter.checkInput('s1').ok).toBe(true);
    const r = limiter.checkInput('s1');
    expect(!r.ok && r.error.details).toMatchObject({ key: 'anonymous' });
  });

  it('rejects bad limits at construction', () => {
    expect(() => new RateLimiter({ perSession: { capacity: 0, refillPerSecond: 1 } })).toThrow(/capacity/);
    expect(() => new RateLimiter({ perUser: { capacity: 1, refillPerSecond: -1 } })).toThrow(
      /refillPerSecond/,
    );
    expect(() => new RateLimiter({ maxKeys: 0 })).toThrow(/maxKeys/);
    expect(() => new RateLimiter({ global: { capacity: 1, refillPerSecond: 0 } })).toThrow(/refill/);
    expect(() => new RateLimiter({ newSessions: { capacity: -1, refillPerSecond: 1 } })).toThrow(/capacity/);
  });
});
