/** The token the person gave, kept for this tab only (sessionStorage: gone when the tab closes). */
const KEY = 'vth.dashboard.token';

export function storedToken(): string | undefined {
  return sessionStorage.getItem(KEY) ?? undefined;
}

export function storeToken(token: string | undefined): void {
  if (token) sessionStorage.setItem(KEY, token);
  else sessionStorage.removeItem(KEY);
}

/** A fetch to the server with the bearer token, answering the parsed JSON and the status. */
export async function api<T = unknown>(
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as T };
}

/**
 * A short-lived attach token for the WebSocket (browsers cannot set its headers). Without a bearer
 * token there is none to ask for: the server decides (a loopback page may be its anonymous local admin).
 */
export async function attachToken(token: string | undefined): Promise<string | undefined> {
  if (!token) return undefined;
  const r = await api<{ ok: boolean; value?: { token: string }; error?: { message: string } }>(
    'POST',
    '/v1/attach-tokens',
    token,
    {},
  );
  if (r.body?.ok && r.body.value) return r.body.value.token;
  throw new Error(r.body?.error?.message ?? `the server refused the token (${r.status})`);
}
