import { fail, ok, type BackendResult } from '@vth/core';

/** The environment variable a token for `vth sessions` and `vth attach` comes from when `--token` is absent. */
export const TOKEN_ENV = 'VTH_TOKEN';
/** The environment variable naming the server when `--url` is absent. */
export const URL_ENV = 'VTH_URL';
/** Where `vth serve` listens by default. */
export const DEFAULT_SERVER_URL = 'http://127.0.0.1:7700';

/** A running `vth serve`: its base URL and the bearer token to show it. */
export interface ServerTarget {
  url: URL;
  token?: string;
}

/**
 * The server a client command talks to: `--url`, else `VTH_URL`, else `http://127.0.0.1:7700`; the token
 * from `--token`, else `VTH_TOKEN`. A URL that is not http(s) is `INVALID_INPUT`.
 *
 * @example
 * ```ts
 * const target = serverTarget({ url: 'http://host:7700' }, process.env);
 * ```
 */
export function serverTarget(
  options: { url?: string; token?: string },
  env: NodeJS.ProcessEnv,
): BackendResult<ServerTarget> {
  const text = options.url ?? nonEmpty(env[URL_ENV]) ?? DEFAULT_SERVER_URL;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail('INVALID_INPUT', `--url: not a URL: ${text}`, { dispatched: false });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return fail('INVALID_INPUT', `--url: must be http:// or https://, not ${url.protocol}`, {
      dispatched: false,
    });
  }
  const token = options.token ?? nonEmpty(env[TOKEN_ENV]);
  return ok({ url, ...(token === undefined ? {} : { token }) });
}

/** The server's WebSocket endpoint (`vth.v1`). */
export function socketUrl(target: ServerTarget): string {
  const url = new URL('/v1/ws', target.url);
  url.protocol = target.url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** The `Authorization` header the server expects, when there is a token. */
export function authHeaders(target: ServerTarget): Record<string, string> {
  return target.token === undefined ? {} : { authorization: `Bearer ${target.token}` };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
