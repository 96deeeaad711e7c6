import { readFileSync } from 'node:fs';
import { environmentBytes } from '@vth/core/kit';

/**
 * Why `execve` would refuse this environment with these arguments (E2BIG), or `null` when it fits: the
 * running system's limit (a quarter of the stack limit, ARG_MAX) counts every string with its NUL and a
 * pointer each.
 *
 * @example const tooBig = execLimitProblem(env, [shell, ...args]); if (tooBig) return fail('INVALID_INPUT', tooBig);
 */
export function execLimitProblem(env: Record<string, string>, argv: readonly string[]): string | null {
  const strings = Object.keys(env).length + argv.length;
  const bytes = environmentBytes(env) + argv.reduce((n, a) => n + Buffer.byteLength(a) + 1, 0) + strings * 8;
  const limit = systemArgMax();
  if (bytes <= limit) return null;
  return (
    `the shell's environment and arguments take ${bytes} bytes, over this system's limit of ${limit} ` +
    '(ARG_MAX, a quarter of the stack size limit): pass fewer or smaller variables, or set inheritEnv: false'
  );
}

let argMax: number | undefined;

/** ARG_MAX as Linux computes it: a quarter of the stack's soft limit, at least 128 KiB, at most 6 MiB. */
function systemArgMax(): number {
  if (argMax !== undefined) return argMax;
  argMax = 2 * 1024 * 1024;
  try {
    const line = readFileSync('/proc/self/limits', 'latin1')
      .split('\n')
      .find((l) => l.startsWith('Max stack size'));
    const soft = line?.slice(26).trim().split(/\s+/)[0];
    if (soft === 'unlimited') argMax = 6 * 1024 * 1024;
    else if (soft && /^\d+$/.test(soft))
      argMax = Math.min(6 * 1024 * 1024, Math.max(128 * 1024, Number(soft) / 4));
  } catch {
    // Not Linux: keep the usual value.
  }
  return argMax;
}
