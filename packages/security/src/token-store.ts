import { createHash, timingSafeEqual } from 'node:crypto';

/** What a token may do: `admin` adds the admin API and every user's sessions (`vth.v1`'s `Role`). */
export type TokenRole = 'user' | 'admin';

/** A bearer token as configured: never the token itself, only its SHA-256. */
export interface TokenEntry {
  /** Names the token in logs and audit (not secret). */
  id: string;
  /** The user the token speaks for: owner of its sessions, `userId` of its calls. */
  userId: string;
  /** `admin` adds the admin API and every user's sessions. */
  role: TokenRole;
  /** Hex SHA-256 of the token (`hashToken`). */
  sha256: string;
}

/**
 * The hex SHA-256 a token is stored as. Tokens are random (see `generateToken`), so a fast hash is
 * enough: nothing can be guessed from it, and checking costs one hash per request.
 *
 * @example
 * ```ts
 * { id: 'ci', userId: 'ci', role: 'user', sha256: hashToken(process.env.VTH_TOKEN!) }
 * ```
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Finds the entry of a presented bearer token by its hash, comparing in constant time.
 *
 * @example
 * ```ts
 * const store = new TokenStore([{ id: 'a', userId: 'alice', role: 'user', sha256: hashToken('s3cret') }]);
 * store.verify('s3cret'); // the entry
 * ```
 */
export class TokenStore {
  private readonly entries: ReadonlyArray<TokenEntry & { digest: Buffer }>;

  constructor(entries: readonly TokenEntry[]) {
    this.entries = entries.map((e) => ({ ...e, digest: Buffer.from(e.sha256.toLowerCase(), 'hex') }));
  }

  /** How many tokens are configured (with none, only loopback peers get in by default, anonymously). */
  get size(): number {
    return this.entries.length;
  }

  /**
   * The entry whose hash matches `token`, or `undefined` (also for an empty token or one over 4096
   * characters). Every entry is compared, so the time taken does not tell which matched.
   */
  verify(token: string): TokenEntry | undefined {
    if (token.length === 0 || token.length > 4096) return undefined;
    const digest = createHash('sha256').update(token, 'utf8').digest();
    let found: TokenEntry | undefined;
    // Every entry is compared, so the time taken does not say which one matched.
    for (const e of this.entries) if (timingSafeEqual(e.digest, digest) && !found) found = e;
    return found;
  }
}
