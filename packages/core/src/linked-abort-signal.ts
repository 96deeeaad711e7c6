import { thrownMessage } from './thrown-message';

/** Why a caller's signal cannot be used: `at` names the member at fault; `shape` problems are not throws. */
export type SignalProblem = {
  /** The member of the signal whose read failed (`aborted`, `addEventListener`, ...). */
  at?: string;
  /** What is wrong, for the `INVALID_INPUT` message. */
  problem: string;
  /** `true`: not shaped like a signal at all; `false`: shaped like one, but reading it threw. */
  shape: boolean;
};

// One internal signal per caller signal, for as long as the caller's signal lives: however many calls
// share a signal, it gets one listener, so nothing ever has to remove it (a caller's removeEventListener
// is never called). Internal signals map to themselves, so a parsed context is never linked twice.
const links = new WeakMap<object, AbortSignal>();

function read(
  target: object,
  key: string,
): { ok: true; value: unknown } | { ok: false; error: SignalProblem } {
  try {
    return { ok: true, value: (target as Record<string, unknown>)[key] };
  } catch (e) {
    return {
      ok: false,
      error: { at: key, problem: `could not be read (${thrownMessage(e)})`, shape: false },
    };
  }
}

const NOT_A_SIGNAL: SignalProblem = { problem: 'must be an AbortSignal', shape: true };

/**
 * An AbortSignal of our own that aborts when the caller's signal (or look-alike) does, so code past the
 * boundary never touches the caller's object again. The caller's `aborted`, `reason` and `addEventListener`
 * are read once, inside a try; the listener added through them reads `reason` inside a try too. A member
 * that throws, or a value that is not shaped like a signal, is a {@link SignalProblem}.
 *
 * @example
 * ```ts
 * const linked = linkAbortSignal(context.signal);
 * if (linked.ok) runner.execute(command, { ...rest, signal: linked.signal });
 * ```
 */
export function linkAbortSignal(
  signal: unknown,
): { ok: true; signal: AbortSignal } | { ok: false; error: SignalProblem } {
  if ((typeof signal !== 'object' && typeof signal !== 'function') || signal === null) {
    return { ok: false, error: NOT_A_SIGNAL };
  }
  const known = links.get(signal);
  if (known) return { ok: true, signal: known };
  const aborted = read(signal, 'aborted');
  if (!aborted.ok) return aborted;
  const reason = read(signal, 'reason');
  if (!reason.ok) return reason;
  const add = read(signal, 'addEventListener');
  if (!add.ok) return add;
  if (typeof aborted.value !== 'boolean' || typeof add.value !== 'function') {
    return { ok: false, error: NOT_A_SIGNAL };
  }
  const controller = new AbortController();
  if (aborted.value) {
    controller.abort(reason.value);
  } else {
    const onAbort = () => {
      let why: unknown;
      try {
        why = (signal as { reason?: unknown }).reason;
      } catch {
        // Unreadable now: ours gets the default AbortError.
      }
      controller.abort(why);
    };
    try {
      Reflect.apply(add.value, signal, ['abort', onAbort, { once: true }]);
    } catch (e) {
      return {
        ok: false,
        error: { at: 'addEventListener', problem: `threw (${thrownMessage(e)})`, shape: false },
      };
    }
  }
  links.set(signal, controller.signal);
  links.set(controller.signal, controller.signal);
  return { ok: true, signal: controller.signal };
}
