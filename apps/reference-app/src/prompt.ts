/**
 * The interactive prompt of `vth shell`: the session's working directory, the home directory shown as `~`.
 *
 * @example
 * ```ts
 * promptFor('/tmp', '/home/ada'); // 'vth /tmp $ '
 * promptFor('/home/ada/src', '/home/ada'); // 'vth ~/src $ '
 * ```
 */
export function promptFor(cwd: string, home: string | undefined): string {
  const inHome = home !== undefined && home !== '/' && (cwd === home || cwd.startsWith(`${home}/`));
  return `vth ${inHome ? `~${cwd.slice(home.length)}` : cwd} $ `;
}
