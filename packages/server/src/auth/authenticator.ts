import { hostOf, isLoopbackAddress, isLoopbackHost, TokenStore } from '@vth/security';
import { type ServerConfig } from '../server-config';
import { type AttachTokens } from './attach-tokens';
import { type AuthRefusal, type Identity } from './identity';

/** What authentication looks at in an HTTP request or a WebSocket upgrade. */
export interface RequestFacts {
  authorization?: string | undefined;
  origin?: string | undefined;
  host?: string | undefined;
  remoteAddress?: string | undefined;
  /** An attach token from the `token` query parameter or the `vth.token.` subprotocol. */
  attachToken?: string | undefined;
  /** The server's own origin(s) as the request reached it (`http://127.0.0.1:7700`). */
  secure: boolean;
}

/** The user anonymous loopback peers are. */
export const LOCAL_USER = 'local';

/**
 * Decides who a request is, or refuses it. In order: the Host header must name this server (a DNS
 * rebinding page names its own domain); a browser's Origin must be the server's own or an allowed one (a
 * page elsewhere cannot drive a local terminal); then a bearer token, else an attach token, else — from a
 * loopback peer, when allowed — the anonymous local admin. Off localhost nothing works without a token.
 *
 * @example
 * ```ts
 * const who = auth.authenticate({ authorization: req.headers.authorization, host: req.headers.host, ... });
 * if ('status' in who) reply.code(who.status).send(...);
 * ```
 */
export class Authenticator {
  private readonly tokens: TokenStore;
  private readonly anonymousLoopback: boolean;
  private readonly allowedOrigins: ReadonlySet<string>;
  private readonly allowedHosts: ReadonlySet<string>;

  constructor(
    private readonly config: ServerConfig,
    private readonly attachTokens: AttachTokens,
  ) {
    this.tokens = new TokenStore(config.auth.tokens);
    this.anonymousLoopback = config.auth.anonymousLoopback ?? config.auth.tokens.length === 0;
    this.allowedOrigins = new Set(config.auth.allowedOrigins.map((o) => o.toLowerCase()));
    this.allowedHosts = new Set(config.auth.allowedHosts.map((h) => h.toLowerCase()));
  }

  authenticate(facts: RequestFacts): Identity | AuthRefusal {
    const hostname = hostOf(facts.host);
    if (!this.hostAllowed(hostname))
      return { status: 403, code: 'FORBIDDEN', message: `Host "${facts.host ?? ''}" is not this server` };
    if (facts.origin !== undefined && !this.originAllowed(facts.origin, facts.host, facts.secure))
      return { status: 403, code: 'FORBIDDEN', message: `Origin "${facts.origin}" is not allowed` };
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(facts.authorization ?? '')?.[1];
    if (bearer !== undefined) {
      const entry = this.tokens.verify(bearer);
      if (entry) return { userId: entry.userId, role: entry.role, via: 'bearer' };
      // A browser's attach token may come as a bearer token too (fetch can set headers).
      const claims = this.attachTokens.verify(bearer);
      if (claims) return fromClaims(claims);
      return { status: 401, code: 'AUTH_FAILED', message: 'unknown or expired token' };
    }
    if (facts.attachToken !== undefined) {
      const claims = this.attachTokens.verify(facts.attachToken);
      if (claims) return fromClaims(claims);
      return { status: 401, code: 'AUTH_FAILED', message: 'invalid or expired attach token' };
    }
    if (this.anonymousLoopback && isLoopbackAddress(facts.remoteAddress))
      return { userId: LOCAL_USER, role: 'admin', via: 'anonymous' };
    return {
      status: 401,
      code: 'AUTH_FAILED',
      message: 'a token is required (Authorization: Bearer <token>)',
    };
  }

  private hostAllowed(hostname: string | undefined): boolean {
    if (hostname === undefined) return false;
    if (isLoopbackHost(hostname) || this.allowedHosts.has(hostname)) return true;
    const bound = this.config.host.toLowerCase();
    // Bound to every interface: any name may reach it, and tokens guard it (serverConfigSchema requires
    // tokens off loopback).
    if (bound === '0.0.0.0' || bound === '::') return true;
    return hostname === bound.replace(/^\[|\]$/g, '');
  }

  private originAllowed(origin: string, host: string | undefined, secure: boolean): boolean {
    const o = origin.toLowerCase();
    if (this.allowedOrigins.has(o)) return true;
    return host !== undefined && o === `${secure ? 'https' : 'http'}://${host.toLowerCase()}`;
  }
}

function fromClaims(claims: { userId: string; role: 'user' | 'admin'; sessionId?: string }): Identity {
  return {
    userId: claims.userId,
    role: claims.role,
    via: 'attach-token',
    ...(claims.sessionId === undefined ? {} : { sessionId: claims.sessionId }),
  };
}
