import { type CommandExecution } from '@vth/core';

/** `1.4 ms` below a second, `2.31 s` above. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/**
 * The line `vth shell` prints to stderr after each command.
 *
 * @example
 * ```ts
 * statusLine(execution); // '[exit 0 · 1.4 ms]', '[timed-out · 300.2 ms]', '[exit — (none reported) · 2.0 ms]'
 * ```
 */
export function statusLine(execution: CommandExecution): string {
  const took = formatDuration(execution.durationMs);
  if (execution.status !== 'completed') return `[${execution.status} · ${took}]`;
  const code = execution.exitCode === null ? '— (none reported)' : String(execution.exitCode);
  return `[exit ${code} · ${took}]`;
}
