import { type SessionProfile } from '@vth/core';
import { profileEnvironment } from './session-profile';

/** vth's own hook variables: a vth running inside a vth session must not hand them on. */
function isHookVariable(name: string): boolean {
  return name === 'PROMPT_COMMAND' || name.startsWith('__vth_') || name.startsWith('BASH_FUNC___vth_');
}

/** Where a shell's environment comes from (see `shellEnvironment`). */
export interface ShellEnvironmentOptions {
  /** Start from `base`, minus vth's hook variables and exported hook functions; false starts empty. */
  inherit: boolean;
  /** The environment inherited when `inherit` is true. Default `process.env`. */
  base?: NodeJS.ProcessEnv;
  /** The session profile's variables go on top of the inherited ones (default `program`). */
  profile?: SessionProfile;
  /** Layers applied in order, later ones winning (backend config, then the session's own). */
  layers?: Array<Record<string, string> | undefined>;
  /** Forced TERM, when the backend decides it (a pty); omit where the terminal sets its own (tmux). */
  term?: string;
}

/**
 * The environment for a shell a backend starts: inherited or empty, without vth's own hook variables
 * (`PROMPT_COMMAND`, `__vth_*`, `BASH_FUNC___vth_*%%`), the profile's variables (see `profileEnvironment`),
 * the layers on top, and `LANG=C.UTF-8` when neither `LANG` nor `LC_ALL` is set, so UTF-8 output is not
 * mangled by the C locale.
 *
 * @example shellEnvironment({ inherit: true, layers: [config.env, options.env], term: 'xterm-256color' })
 */
export function shellEnvironment(options: ShellEnvironmentOptions): Record<string, string> {
  const env: Record<string, string> = {};
  if (options.inherit) {
    for (const [k, v] of Object.entries(options.base ?? process.env)) {
      if (v !== undefined && !isHookVariable(k)) env[k] = v;
    }
  }
  Object.assign(env, profileEnvironment(options.profile ?? 'program'));
  for (const layer of options.layers ?? []) Object.assign(env, layer);
  if (options.term !== undefined) env['TERM'] = options.term;
  if (!env['LANG'] && !env['LC_ALL']) env['LANG'] = 'C.UTF-8';
  return env;
}
