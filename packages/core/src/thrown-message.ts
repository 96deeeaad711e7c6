/** Longer messages are cut: a thrown value is attacker-controlled, and messages end up in logs. */
const MAX_MESSAGE_LENGTH = 200;

function unguardedMessage(thrown: unknown): string {
  if (typeof thrown === 'object' && thrown !== null) {
    const message = (thrown as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') return message;
  }
  return String(thrown);
}

/**
 * The message of anything thrown, at most 200 characters, never throwing itself. Checks the shape rather
 * than `instanceof Error` because foreign code may run in another realm (a vm context, a worker-loaded
 * module) whose Error is a different class; a thrown Proxy or an object whose `toString` throws still gets
 * a description.
 *
 * @example
 * ```ts
 * try { plugin.create(config); } catch (e) { return fail('INTERNAL', `create() threw: ${thrownMessage(e)}`); }
 * ```
 */
export function thrownMessage(thrown: unknown): string {
  let text: string;
  try {
    text = unguardedMessage(thrown);
  } catch {
    try {
      text = Object.prototype.toString.call(thrown);
    } catch {
      text = 'a value that cannot be shown';
    }
  }
  return text.length > MAX_MESSAGE_LENGTH
    ? `${text.slice(0, MAX_MESSAGE_LENGTH)}… (${text.length} characters)`
    : text;
}
