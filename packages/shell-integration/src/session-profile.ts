import { type SessionProfile } from '@vth/core';

/**
 * The environment of the `program` profile: sessions are driven by programs (agents, scripts, a voice
 * front end), not read by a person at a screen, so nothing may stop and wait for one. Pagers print straight
 * through, git never asks for credentials on the terminal, apt/dpkg never ask a question. Editors are left
 * alone (a command that opens one waits, as at a terminal: pass `-m`, `--no-edit`, or set `GIT_EDITOR`).
 * Each of these can be overridden by the backend's `env` or the session's own.
 */
export const PROGRAM_PROFILE_ENV: Readonly<Record<string, string>> = Object.freeze({
  PAGER: 'cat',
  GIT_PAGER: 'cat',
  MANPAGER: 'cat',
  SYSTEMD_PAGER: 'cat',
  GH_PAGER: 'cat',
  AWS_PAGER: '',
  BAT_PAGING: 'never',
  GIT_TERMINAL_PROMPT: '0',
  DEBIAN_FRONTEND: 'noninteractive',
});

/**
 * Variables a profile sets, below the backend's and the session's own `env` and above the inherited
 * environment (an operator's `PAGER=less` does not reach a program's session). `terminal` sets none.
 *
 * @example { ...inherited, ...profileEnvironment('program'), ...config.env, ...options.env }
 */
export function profileEnvironment(profile: SessionProfile): Record<string, string> {
  return profile === 'program' ? { ...PROGRAM_PROFILE_ENV } : {};
}
