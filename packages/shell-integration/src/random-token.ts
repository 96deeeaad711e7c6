import { randomBytes } from 'node:crypto';

/*
 * Command ids and nonces are secrets of a sort: a process inside the session must not be able to predict
 * them. One `randomBytes` call per command costs a few microseconds; drawing them from a pool refilled 4 KiB
 * at a time costs a slice.
 */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let used = 0;

function take(bytes: number): [Buffer, number] {
  if (used + bytes > pool.length) {
    pool = randomBytes(POOL_BYTES);
    used = 0;
  }
  const at = used;
  used += bytes;
  return [pool, at];
}

/** `bytes` cryptographically random bytes as base64url text: letters, digits, `-` and `_`. */
export function randomToken(bytes: number): string {
  const [buf, at] = take(bytes);
  return buf.toString('base64url', at, at + bytes);
}

/** `bytes` cryptographically random bytes as hex text (letters and digits only, for nonces). */
export function randomHex(bytes: number): string {
  const [buf, at] = take(bytes);
  return buf.toString('hex', at, at + bytes);
}
