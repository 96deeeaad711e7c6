/**
 * `@vth/backend-tmux/plugin`: the backend as a vth plugin (type `tmux`), which `@vth/factory` registers or
 * finds through the package's `"vth": { "backend": "./dist/plugin.js" }` field, and `createTmuxBackend`,
 * which puts the `@vth/security` layer its config describes in front of it.
 *
 * @example
 * ```ts
 * import { plugin } from '@vth/backend-tmux/plugin';
 * const factory = new BackendFactory({ plugins: [plugin] });
 * ```
 *
 * @module @vth/backend-tmux/plugin
 */
import { type BackendPlugin, type ITerminalBackend, type PlatformCheck } from '@vth/core';
import { applySecurityLayer, parseSecurityOptions } from '@vth/security';
import { tmuxConfigSchema, type TmuxConfig, type TmuxConfigInput } from './config';
import { TMUX_CAPABILITIES, TmuxBackend } from './tmux-backend';
import { checkTmuxVersion } from './tmux-version';

// Read at run time so the plugin reports the installed version without importing JSON.

const { version } = require('../package.json') as { version: string };

/** Runs `tmux -V`: reports a missing or too old tmux with the way to install one. */
async function checkPlatform(): Promise<PlatformCheck> {
  const check = await checkTmuxVersion('tmux');
  return check.ok
    ? { ok: true, detail: check.version }
    : { ok: false, reason: check.reason, hint: check.hint };
}

/**
 * A tmux backend behind the security layer its config describes (`security` and the `policy`, `confirm`,
 * `auditSink` and `redact` hooks: the same layer the factory puts in front of any backend); a plain
 * `TmuxBackend` when the layer turns nothing on. Throws a `BackendError` (`INVALID_CONFIG`, naming each bad
 * path) for invalid `security` settings.
 *
 * @example
 * ```ts
 * const backend = createTmuxBackend({ security: { audit: { file: '/var/log/vth.jsonl' },
 *   commands: { preset: 'dangerous' } }, confirm: (request, reason) => ui.ask(reason) });
 * ```
 */
export function createTmuxBackend(config: TmuxConfigInput = {}): ITerminalBackend {
  const { security, policy, confirm, auditSink, redact } = config;
  const options = parseSecurityOptions(security, 'config.security');
  if (!options.ok) throw options.error;
  return applySecurityLayer(new TmuxBackend(config), {
    ...options.value,
    ...(policy === undefined ? {} : { policy }),
    ...(confirm === undefined ? {} : { confirm }),
    ...(auditSink === undefined ? {} : { auditSink }),
    ...(redact === undefined ? {} : { redact }),
  });
}

/** The tmux backend as a vth plugin (named in package.json: `"vth": { "backend": "./dist/plugin.js" }`). */
export const plugin: BackendPlugin<TmuxConfig> = {
  type: 'tmux',
  version,
  description: 'tmux sessions over one control-mode client: persistent, attachable, split panes',
  contractVersion: 1,
  capabilities: TMUX_CAPABILITIES,
  configSchema: tmuxConfigSchema,
  checkPlatform,
  create: (config) => createTmuxBackend(config),
};
