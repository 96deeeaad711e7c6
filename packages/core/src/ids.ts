import { randomBytes } from 'node:crypto';

/**
 * A short random id (base 36, about 62 bits), optionally prefixed: `createId('s')` -> `s-k3j9x0q2m1ab`.
 * Valid as a session id on every backend.
 */
export function createId(prefix?: string): string {
  const n = randomBytes(8).readBigUInt64BE() >> 2n;
  const body = n.toString(36).padStart(12, '0');
  return prefix ? `${prefix}-${body}` : body;
}
