import { type PlatformCheck } from '@vth/core';
import { thrownMessage } from './thrown-message';

/** Turns whatever a probe resolved to into a `PlatformCheck`; a plugin may return anything. */
function normalize(value: unknown): PlatformCheck {
  if (typeof value === 'object' && value !== null) {
    const v = value as { ok?: unknown; reason?: unknown; hint?: unknown; detail?: unknown };
    if (v.ok === true) return typeof v.detail === 'string' ? { ok: true, detail: v.detail } : { ok: true };
    if (v.ok === false) {
      const reason = typeof v.reason === 'string' && v.reason !== '' ? v.reason : 'platform check failed';
      return typeof v.hint === 'string' && v.hint !== ''
        ? { ok: false, reason, hint: v.hint }
        : { ok: false, reason };
    }
  }
  return { ok: false, reason: 'platform check returned a malformed result' };
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
      normalize,
      (e: unknown) => ({ ok: false, reason: `platform check failed: ${thrownMessage(e)}` }) as const,
    );
  try {
    return await Promise.race([probing, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
