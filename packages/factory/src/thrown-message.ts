/**
 * The message of anything thrown. Checks the shape rather than `instanceof Error` because plugin code
 * may run in another realm (a vm context, a worker-loaded module) whose Error is a different class.
 */
export function thrownMessage(thrown: unknown): string {
  if (typeof thrown === 'object' && thrown !== null) {
    const message = (thrown as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') return message;
  }
  try {
    return String(thrown);
  } catch {
    // An object whose toString throws, or a Symbol-keyed oddity: still report something.
    return Object.prototype.toString.call(thrown);
  }
}
