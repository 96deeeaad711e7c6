import { type PlatformCheck } from '@vth/core';
import { thrownMessage } from '@vth/core/kit';

/** Reasons and hints are plugin text that reaches logs and UIs: a few lines at most. */
const MAX_TEXT = 1000;

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}… (${text.length} characters)` : text;
}

/** Turns whatever a probe resolved to into a `PlatformCheck`; a plugin may return anything. */
function normalize(value: unknown): PlatformCheck {
  if (typeof value === 'object' && value !== null) {
    const v = value as { ok?: unknown; reason?: unknown; hint?: unknown; detail?: unknown };
    const ok = v.ok;
    if (ok === true)
      return typeof v.detail === 'string' ? { ok: true, detail: clip(v.detail) } : { ok: true };
    if (ok === false) {
      const given = v.reason;
      const hint = v.hint;
      const reason = typeof given === 'string' && given !== '' ? clip(given) : 'platform check failed';
      return typeof hint === 'string' && hint !== ''
        ? { ok: false, reason, hint: clip(hint) }
        : { ok: false, reason };
    }
  }
  return { ok: false, reason: 'platform check returned a malformed result' };
}

/** `normalize`, for a result whose reads throw (a Proxy, a getter) too. */
function normalizeSafely(value: unknown): PlatformCheck {
  try {
    return normalize(value);
  } catch (e) {
    return { ok: false, reason: `platform check returned a malformed result (${thrownMessage(e)})` };
  }
}

/**
 * Runs a plugin's platform probe and always settles: a probe that throws, rejects or returns nonsense is
 * a failed check, and one that hangs is cut off, because a broken plugin must not stall the host.
 *
 * @example
 * ```ts
 * const check = await runPlatformCheck(() => plugin.checkPlatform(), 5000);
 * if (!check.ok) console.warn(check.reason, check.hint);
 * ```
 */
export async function runPlatformCheck(probe: () => unknown, timeoutMs: number): Promise<PlatformCheck> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<PlatformCheck>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, reason: `platform check timed out after ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
  const probing = Promise.resolve()
    .then(probe)
    .then(
      normalizeSafely,
      (e: unknown) => ({ ok: false, reason: `platform check failed: ${thrownMessage(e)}` }) as const,
    );
  try {
    return await Promise.race([probing, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
