import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Role } from '@vth/protocol';

/** What an attach token grants, signed into it. */
export interface AttachTokenClaims {
  /** The user it speaks for: the caller that asked for it (`token.attach`). */
  userId: string;
  /** The caller's role: an attach token never grants more than its caller had. */
  role: Role;
  /** Limits the token to one session. */
  sessionId?: string;
  /** Epoch ms after which it is refused. */
  expiresAt: number;
}

/**
 * Short-lived signed tokens for browsers, which cannot put a bearer token in a WebSocket's headers: an
 * authenticated client asks for one (`token.attach`), and the page offers it as a subprotocol or a
 * `token` query parameter. HMAC-SHA256 over base64url JSON claims; the server keeps no state.
 *
 * @example
 * ```ts
 * const tokens = new AttachTokens(secret);
 * const token = tokens.sign({ userId: 'alice', role: 'user', expiresAt: Date.now() + 60_000 });
 * tokens.verify(token); // the claims, or undefined once expired or tampered with
 * ```
 */
export class AttachTokens {
  private readonly key: Buffer;

  /** @param secret at least 32 bytes; a random one (valid for this process only) when absent. */
  constructor(
    secret?: string,
    private readonly now: () => number = Date.now,
  ) {
    this.key = secret === undefined ? randomBytes(32) : Buffer.from(secret, 'utf8');
  }

  /** A token carrying `claims` (and a random nonce, so two tokens for the same claims differ). */
  sign(claims: AttachTokenClaims): string {
    const body = Buffer.from(
      JSON.stringify({
        u: claims.userId,
        r: claims.role,
        e: claims.expiresAt,
        n: randomBytes(9).toString('base64url'),
        ...(claims.sessionId === undefined ? {} : { s: claims.sessionId }),
      }),
    ).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /**
   * The claims of a token this instance signed (same secret) that has not expired, or `undefined`: a bad
   * signature, an expired or malformed token, one over 2048 characters. The signature is compared in
   * constant time.
   */
  verify(token: string): AttachTokenClaims | undefined {
    if (token.length > 2048) return undefined;
    const dot = token.indexOf('.');
    if (dot <= 0) return undefined;
    const body = token.slice(0, dot);
    const mac = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.mac(body), 'base64url');
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return undefined;
    let claims: { u?: unknown; r?: unknown; e?: unknown; s?: unknown };
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return undefined;
    }
    if (typeof claims.u !== 'string' || (claims.r !== 'user' && claims.r !== 'admin')) return undefined;
    if (typeof claims.e !== 'number' || claims.e <= this.now()) return undefined;
    if (claims.s !== undefined && typeof claims.s !== 'string') return undefined;
    return {
      userId: claims.u,
      role: claims.r,
      expiresAt: claims.e,
      ...(claims.s === undefined ? {} : { sessionId: claims.s }),
    };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
