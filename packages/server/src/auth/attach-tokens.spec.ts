import { createHmac } from 'node:crypto';
import { accessSession } from '../requests/session-access';
import { type OperationContext } from '../requests/operation-context';
import { serverConfigSchema } from '../server-config';
import { type TrackedSession } from '../stream/session-registry';
import { AttachTokens } from './attach-tokens';
import { Authenticator } from './authenticator';

const SECRET = 'a-secret-of-at-least-32-characters!!';

/** Tokens on a clock the test moves. */
function tokensAt(start = 1_000_000) {
  const clock = { now: start };
  return { clock, tokens: new AttachTokens(SECRET, () => clock.now) };
}

/** A token body signed with the right key: what only a holder of the secret could make. */
function signedBody(claims: Record<string, unknown>): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
}

describe('AttachTokens', () => {
  it('verifies what it signed, until it expires', () => {
    const { clock, tokens } = tokensAt();
    const token = tokens.sign({
      userId: 'alice',
      role: 'user',
      sessionId: 's1',
      expiresAt: clock.now + 1000,
    });
    expect(tokens.verify(token)).toEqual({
      userId: 'alice',
      role: 'user',
      sessionId: 's1',
      expiresAt: clock.now + 1000,
    });
    clock.now += 999;
    expect(tokens.verify(token)?.userId).toBe('alice');
    clock.now += 1;
    expect(tokens.verify(token)).toBeUndefined();
  });

  it('refuses a token whose claims or signature were changed, or that another key signed', () => {
    const { clock, tokens } = tokensAt();
    const token = tokens.sign({ userId: 'alice', role: 'user', expiresAt: clock.now + 60_000 });
    const [body, mac] = token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, r: 'admin' })).toString('base64url');
    expect(tokens.verify(`${forged}.${mac}`)).toBeUndefined();
    const flipped = Buffer.from(mac, 'base64url');
    flipped[0]! ^= 1;
    expect(tokens.verify(`${body}.${flipped.toString('base64url')}`)).toBeUndefined();
    expect(tokens.verify(`${body}.${mac.slice(0, -4)}`)).toBeUndefined();
    expect(tokens.verify(body)).toBeUndefined();
    expect(tokens.verify(`.${mac}`)).toBeUndefined();
    expect(tokens.verify(`${token}${'x'.repeat(2048)}`)).toBeUndefined();
    const other = new AttachTokens('another-secret-of-at-least-32-chars!', () => clock.now);
    expect(other.verify(token)).toBeUndefined();
    // Each token is unique (a nonce), even for the same claims.
    expect(tokens.sign({ userId: 'alice', role: 'user', expiresAt: clock.now + 60_000 })).not.toBe(token);
  });

  it('refuses well-signed claims of the wrong shape', () => {
    const { clock, tokens } = tokensAt();
    const e = clock.now + 60_000;
    expect(tokens.verify(signedBody({ u: 'alice', r: 'user', e }))).toMatchObject({ userId: 'alice' });
    for (const claims of [
      { u: 'alice', r: 'root', e },
      { u: 42, r: 'user', e },
      { u: 'alice', r: 'user', e: String(e) },
      { u: 'alice', r: 'user' },
      { u: 'alice', r: 'user', e, s: 7 },
    ])
      expect(tokens.verify(signedBody(claims))).toBeUndefined();
    const notJson = Buffer.from('{not json').toString('base64url');
    expect(
      tokens.verify(`${notJson}.${createHmac('sha256', SECRET).update(notJson).digest('base64url')}`),
    ).toBeUndefined();
  });

  it("limits a token to its session: another session, even the user's own, looks like none", async () => {
    const { clock, tokens } = tokensAt(Date.now());
    const config = serverConfigSchema.parse({});
    const auth = new Authenticator(config, tokens);
    const token = tokens.sign({
      userId: 'alice',
      role: 'user',
      sessionId: 's1',
      expiresAt: clock.now + 60_000,
    });
    const identity = auth.authenticate({
      host: '127.0.0.1:7700',
      remoteAddress: '127.0.0.1',
      attachToken: token,
      secure: false,
    });
    expect(identity).toEqual({ userId: 'alice', role: 'user', via: 'attach-token', sessionId: 's1' });
    const tracked = (id: string) => ({ id, owner: 'alice' }) as TrackedSession;
    const ctx = {
      registry: { get: (id: string) => (id === 's1' || id === 's2' ? tracked(id) : undefined) },
    } as unknown as OperationContext;
    if ('status' in identity) throw new Error('refused');
    expect(await accessSession(ctx, identity, 's1')).toMatchObject({ ok: true, value: { id: 's1' } });
    expect(await accessSession(ctx, identity, 's2')).toMatchObject({
      ok: false,
      error: { code: 'SESSION_NOT_FOUND', message: 'no session "s2"' },
    });
    // Without the limit, the same user reaches both.
    expect(await accessSession(ctx, { userId: 'alice', role: 'user', via: 'bearer' }, 's2')).toMatchObject({
      ok: true,
    });
    const expired = tokens.sign({ userId: 'alice', role: 'user', sessionId: 's1', expiresAt: clock.now + 1 });
    clock.now += 1;
    expect(
      auth.authenticate({
        host: '127.0.0.1',
        remoteAddress: '127.0.0.1',
        attachToken: expired,
        secure: false,
      }),
    ).toMatchObject({
      status: 401,
      code: 'AUTH_FAILED',
    });
  });
});
