import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { type FastifyInstance, type FastifyReply } from 'fastify';

/** A directory of prebuilt browser assets (the `@vth/dashboard` package's) served under a path. */
export interface StaticAssetsOptions {
  /** The directory; `index.html` in it answers the bare path. */
  dir: string;
  /** Where it is served: one or more path segments (never `/` alone, where the API lives); default `/dashboard`. */
  path?: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The page may talk only to this server (`connect-src 'self'`, WebSockets included), run only its own
 * scripts and cannot be framed (an admin's clicks cannot be borrowed). Inline styles: xterm.js sets them.
 */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** The URL prefix of the assets, normalised (`/dashboard`), or undefined for a path that cannot be one. */
export function staticPrefix(options: StaticAssetsOptions): string | undefined {
  const p = `/${(options.path ?? '/dashboard').replace(/^\/+|\/+$/g, '')}`;
  return /^(\/[A-Za-z0-9._~-]+)+$/.test(p) && !p.startsWith('/v1') ? p : undefined;
}

/**
 * Serves the files of `options.dir` under its path, GET only, without authentication: they hold no data
 * (the page asks for a token before it reads anything), but the Host and Origin checks still apply.
 * Nothing outside the directory, no dot files, no directory listings.
 */
export function registerStaticAssets(app: FastifyInstance, options: StaticAssetsOptions): void {
  const root = resolve(options.dir);
  const prefix = staticPrefix(options)!;
  app.get(prefix, async (_request, reply) => reply.redirect(`${prefix}/`));
  app.get(`${prefix}/*`, async (request, reply) =>
    sendFile(reply, root, (request.params as { '*': string })['*'] || 'index.html'),
  );
}

async function sendFile(reply: FastifyReply, root: string, relative: string) {
  const file = resolve(root, relative);
  const hidden = relative.split('/').some((part) => part.startsWith('.'));
  if (hidden || !file.startsWith(root + sep)) return notFound(reply);
  try {
    if (!(await stat(file)).isFile()) return notFound(reply);
    const body = await readFile(file);
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    void reply.headers(PAGE_HEADERS);
    // Assets are named by the package version, not by content: a page must check for a new one.
    void reply.header('cache-control', 'no-cache');
    return reply.type(type).send(body);
  } catch {
    return notFound(reply);
  }
}

function notFound(reply: FastifyReply) {
  return reply
    .code(404)
    .send({ ok: false, error: { code: 'INVALID_INPUT', message: 'no such file', dispatched: false } });
}
