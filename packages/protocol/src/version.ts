/** The WebSocket subprotocol of this version of the wire format. */
export const PROTOCOL_V1 = 'vth.v1';

/** Subprotocols this package speaks, newest first: a server picks the first a client also offers. */
export const SUPPORTED_PROTOCOLS: readonly string[] = [PROTOCOL_V1];

/**
 * Browsers cannot set headers on a WebSocket, but they can offer subprotocols: a short-lived attach token
 * travels as one more offered subprotocol, `vth.token.<token>` (the server never selects it). Tokens are
 * base64url, which a subprotocol may carry.
 */
export const TOKEN_PROTOCOL_PREFIX = 'vth.token.';

/**
 * The version both sides speak: the first of `supported` (newest first) that the client offered, or
 * `undefined` when they share none (the server then closes with `CLOSE_CODES.PROTOCOL_UNSUPPORTED`).
 *
 * @example
 * ```ts
 * negotiateProtocol(['vth.v2', 'vth.v1']); // 'vth.v1' on a server that speaks only v1
 * ```
 */
export function negotiateProtocol(
  offered: Iterable<string>,
  supported: readonly string[] = SUPPORTED_PROTOCOLS,
): string | undefined {
  const set = new Set(offered);
  return supported.find((p) => set.has(p));
}

/**
 * The subprotocols a browser offers: the versions it speaks, then its attach token, if any.
 *
 * @example
 * ```ts
 * new WebSocket(url, clientProtocols(attachToken));
 * ```
 */
export function clientProtocols(token?: string): string[] {
  return token === undefined
    ? [...SUPPORTED_PROTOCOLS]
    : [...SUPPORTED_PROTOCOLS, TOKEN_PROTOCOL_PREFIX + token];
}

/** The token offered as a subprotocol, if any (see {@link TOKEN_PROTOCOL_PREFIX}). */
export function tokenFromProtocols(offered: Iterable<string>): string | undefined {
  for (const p of offered)
    if (p.startsWith(TOKEN_PROTOCOL_PREFIX)) return p.slice(TOKEN_PROTOCOL_PREFIX.length);
  return undefined;
}
