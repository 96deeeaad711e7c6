/*
 * Who counts as local, for servers that let loopback callers in without a token and check the Host header
 * against DNS rebinding (`@vth/server`, `@vth/mcp`).
 */

/**
 * A host name on the loopback interface: 127.0.0.0/8, ::1 (bracketed or not) and `localhost`.
 *
 * @example `isLoopbackHost('[::1]') // true; isLoopbackHost('localhost.evil.com') // false`
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1'
  );
}

/**
 * A peer address on the loopback interface (as Node reports it, IPv4-mapped or not).
 *
 * @example `isLoopbackAddress(socket.remoteAddress)`
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

/**
 * The host name of a Host header, lower-cased, without its port or IPv6 brackets.
 *
 * @example `hostOf('[::1]:7700') // '::1'; hostOf('Example.com:80') // 'example.com'`
 */
export function hostOf(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end > 0 ? h.slice(1, end) : undefined;
  }
  const colon = h.indexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}
