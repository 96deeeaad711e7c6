/** Variables of vth's own hooks: a vth running inside a vth session must not hand them on. */
const HOOK_VARIABLES = new Set(['PROMPT_COMMAND', '__vth_pid', '__vth_q', '__vth_id']);

export interface ShellEnvironmentOptions {
  /** Start from this environment (default `process.env`), minus vth's hook variables and exported hook functions. */
  inherit: boolean;
  base?: NodeJS.ProcessEnv;
  /** Layers applied in order, later ones winning (backend config, then the session's own). */
  layers?: Array<Record<string, string> | undefined>;
  /** Forced TERM, when the backend decides it (a pty); omit where the terminal sets its own (tmux). */
  term?: string;
}

/**
 * The environment for a shell a backend starts: inherited or empty, without vth's own hook variables
 * (`PROMPT_COMMAND`, `__vth_*`, `BASH_FUNC___vth_*%%`), the layers on top, and `LANG=C.UTF-8` when neither
 * `LANG` nor `LC_ALL` is set, so UTF-8 output is not mangled by the C locale.
 *
 * @example shellEnvironment({ inherit: true, layers: [config.env, options.env], term: 'xterm-256color' })
 */
export function shellEnvironment(options: ShellEnvironmentOptions): Record<string, string> {
  const env: Record<string, string> = {};
  if (options.inherit) {
    for (const [k, v] of Object.entries(options.base ?? process.env)) {
      if (v !== undefined && !HOOK_VARIABLES.has(k) && !k.startsWith('BASH_FUNC___vth_')) env[k] = v;
    }
  }
  for (const layer of options.layers ?? []) Object.assign(env, layer);
  if (options.term !== undefined) env['TERM'] = options.term;
  if (!env['LANG'] && !env['LC_ALL']) env['LANG'] = 'C.UTF-8';
  return env;
}
