import { type BackendPlugin, type ITerminalBackend, type PlatformCheck } from '@vth/core';
import { createCommandGuard, guardBackend } from '@vth/security';
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
 * A tmux backend with the security controls its config asks for (rate limits, audit, policy) in front of
 * it; a plain `TmuxBackend` when none are configured.
 *
 * @example
 * ```ts
 * const backend = createTmuxBackend({ security: { audit: { file: '/var/log/vth.jsonl' } },
 *   policy: denyPatterns([/\brm\s+-rf\s+\//]) });
 * ```
 */
export function createTmuxBackend(config: TmuxConfigInput = {}): ITerminalBackend {
  const backend = new TmuxBackend(config);
  const { security, policy, confirm, auditSink, redact } = config;
  if (!security?.rateLimit && !security?.audit && !policy && !auditSink) return backend;
  return guardBackend(
    backend,
    createCommandGuard(tmuxConfigSchema.shape.security.parse(security) ?? {}, {
      backendId: () => backend.id,
      backendType: backend.type,
      ...(policy ? { policy } : {}),
      ...(confirm ? { confirm } : {}),
      ...(auditSink ? { sink: auditSink } : {}),
      ...(redact !== undefined ? { redact } : {}),
    }),
  );
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
