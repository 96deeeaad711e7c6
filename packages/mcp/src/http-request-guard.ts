import { type IncomingMessage } from 'node:http';
import { hostOf, isLoopbackAddress, isLoopbackHost, TokenStore } from '@vth/security';
import { type McpHttpOptions } from './mcp-options';

/** The user anonymous loopback clients are (no tokens configured). */
export const LOCAL_MCP_USER = 'local';

export type RequestVerdict = { userId: string } | { status: 401 | 403; message: string };

/**
 * Decides whether an HTTP request may reach the MCP endpoint, and as whom. The Host header must name this
 * server (a DNS-rebinding page names its own domain); a browser's Origin must be this server's or an
 * allowed one; with tokens configured every request needs a bearer token (loopback too), without any only
 * loopback peers get in (binding elsewhere without tokens is refused by the options).
 *
 * @example
 * ```ts
 * const verdict = guard.check(req);
 * if ('status' in verdict) return reply(verdict.status, verdict.message);
 * ```
 */
export class HttpRequestGuard {
  private readonly tokens: TokenStore;
  private readonly hosts: ReadonlySet<string>;
  private readonly origins: ReadonlySet<string>;

  constructor(private readonly options: McpHttpOptions) {
    this.tokens = new TokenStore(options.tokens.map((t) => ({ ...t, role: 'user' as const })));
    this.hosts = new Set(options.allowedHosts.map((h) => h.toLowerCase()));
    this.origins = new Set(options.allowedOrigins.map((o) => o.toLowerCase()));
  }

  check(req: IncomingMessage): RequestVerdict {
    const host = req.headers.host;
    const hostname = hostOf(host);
    if (hostname === undefined || !this.hostAllowed(hostname))
      return { status: 403, message: `Host "${host ?? ''}" is not this server` };
    const origin = req.headers.origin;
    if (
      origin !== undefined &&
      !this.origins.has(origin.toLowerCase()) &&
      origin.toLowerCase() !== `http://${host!.toLowerCase()}`
    )
      return { status: 403, message: `Origin "${origin}" is not allowed` };
    if (this.tokens.size > 0) {
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
      const entry = bearer === undefined ? undefined : this.tokens.verify(bearer);
      return entry ? { userId: entry.userId } : { status: 401, message: 'a valid bearer token is required' };
    }
    return isLoopbackAddress(req.socket.remoteAddress)
      ? { userId: LOCAL_MCP_USER }
      : { status: 401, message: 'a token is required off localhost' };
  }

  private hostAllowed(hostname: string): boolean {
    if (isLoopbackHost(hostname) || this.hosts.has(hostname)) return true;
    const bound = this.options.host.toLowerCase().replace(/^\[|\]$/g, '');
    // Bound to every interface: any name may reach it, and the required tokens guard it.
    if (bound === '0.0.0.0' || bound === '::') return this.tokens.size > 0;
    return hostname === bound;
  }
}
