/** An Error whose message says which audit step failed. */
export function asError(thrown: unknown, what: string): Error {
  return new Error(`${what}: ${messageOf(thrown)}`, { cause: thrown });
}

/**
 * The message of anything thrown. By shape, not `instanceof Error`: errors from another realm (a vm
 * context, Jest's sandbox) are not instances of this realm's Error.
 */
export function messageOf(thrown: unknown): string {
  if (typeof thrown === 'object' && thrown !== null) {
    const message = (thrown as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  try {
    return String(thrown);
  } catch {
    return 'an unprintable error';
  }
}
