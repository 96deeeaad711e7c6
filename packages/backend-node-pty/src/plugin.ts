/**
 * `@vth/backend-node-pty/plugin`: the backend as a vth plugin, which `@vth/factory` registers or finds
 * through the package's `"vth": { "backend": "./dist/plugin.js" }` field.
 *
 * @example
 * ```ts
 * import { plugin } from '@vth/backend-node-pty/plugin';
 * const factory = new BackendFactory({ plugins: [plugin] });
 * ```
 *
 * @module @vth/backend-node-pty/plugin
 */
import { type BackendPlugin, type PlatformCheck } from '@vth/core';
import { nodePtyConfigSchema, type NodePtyConfig } from './config';
import { resolveExecutable } from '@vth/shell-integration';
import { loadNodePty } from './load-node-pty';
import { checkPtyModule, type PtyModule } from './pty-module';
import { NODE_PTY_CAPABILITIES, NodePtyBackend } from './node-pty-backend';

// Read at run time so the plugin reports the installed version without importing JSON.
const { version } = require('../package.json') as { version: string };

/**
 * Spawns a real shell on a pseudo-terminal and waits for it: proves the native module, the shell and
 * pty allocation all work here.
 */
async function checkPlatform(ptyModule: PtyModule | undefined): Promise<PlatformCheck> {
  const loaded = ptyModule === undefined ? loadNodePty() : checkPtyModule(ptyModule);
  if (!loaded.ok) {
    const hint = loaded.error.details?.['hint'];
    return { ok: false, reason: loaded.error.message, ...(typeof hint === 'string' ? { hint } : {}) };
  }
  const sh = (await resolveExecutable('bash')) ?? (await resolveExecutable('sh'));
  if (!sh)
    return { ok: false, reason: 'no shell found in PATH (looked for bash and sh)', hint: 'install bash' };
  return new Promise<PlatformCheck>((resolve) => {
    let settled = false;
    const done = (r: PlatformCheck) => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    try {
      const pty = loaded.value.spawn(sh, ['-c', 'exit 7'], {
        cols: 20,
        rows: 5,
        env: { PATH: process.env['PATH'] ?? '' },
      });
      const timer = setTimeout(() => {
        pty.kill('SIGKILL');
        done({ ok: false, reason: 'a test shell on a pseudo-terminal did not exit within 5 s' });
      }, 5000);
      pty.onExit(({ exitCode }) => {
        clearTimeout(timer);
        done(
          exitCode === 7
            ? { ok: true, detail: `${sh} on a pseudo-terminal` }
            : { ok: false, reason: `a test shell on a pseudo-terminal exited with ${exitCode}, expected 7` },
        );
      });
    } catch (e) {
      done({
        ok: false,
        reason: `cannot open a pseudo-terminal: ${(e as Error).message}`,
        hint: 'is /dev/ptmx available?',
      });
    }
  });
}

/** Options of `createNodePtyPlugin`. */
export interface NodePtyPluginOptions {
  /** The pty module every backend of this plugin spawns shells with (see `NodePtyBackendOptions.ptyModule`). */
  ptyModule?: PtyModule | undefined;
}

/**
 * The node-pty plugin with a chosen pty module, for a factory or manager: its platform check and every
 * backend it creates use that module instead of `require('node-pty')`.
 *
 * @example
 * ```ts
 * import * as pty from '@lydell/node-pty';
 * const factory = new BackendFactory({ plugins: [createNodePtyPlugin({ ptyModule: pty })] });
 * ```
 */
export function createNodePtyPlugin(options: NodePtyPluginOptions = {}): BackendPlugin<NodePtyConfig> {
  const { ptyModule } = options;
  return {
    type: 'node-pty',
    version,
    description:
      'Local shells on pseudo-terminals (node-pty): lowest latency, no isolation beyond the OS user',
    contractVersion: 1,
    capabilities: NODE_PTY_CAPABILITIES,
    configSchema: nodePtyConfigSchema,
    checkPlatform: () => checkPlatform(ptyModule),
    create: (config) => new NodePtyBackend({ ...config, ptyModule }),
  };
}

/** The node-pty backend as a vth plugin (named in package.json: `"vth": { "backend": "./dist/plugin.js" }`). */
export const plugin: BackendPlugin<NodePtyConfig> = createNodePtyPlugin();
