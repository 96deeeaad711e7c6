/**
 * `@vth/backend-remote/plugin`: the backend as a vth plugin (type `remote`), which `@vth/factory`
 * registers or finds through the package's `"vth": { "backend": "./dist/plugin.js" }` field.
 *
 * @example
 * ```ts
 * import { plugin } from '@vth/backend-remote/plugin';
 * const created = await new BackendFactory({ plugins: [plugin] }).create('remote', { url: 'wss://build-7:7700' });
 * ```
 *
 * @module @vth/backend-remote/plugin
 */
import { type BackendPlugin, type PlatformCheck } from '@vth/core';
import { remoteConfigSchema, type RemoteConfig } from './config';
import { REMOTE_CAPABILITIES, RemoteBackend } from './remote-backend';

// Read at run time so the plugin reports the installed version without importing JSON.
const { version } = require('../package.json') as { version: string };

/**
 * Nothing to probe on this machine but the WebSocket client: whether the server is reachable depends on
 * the configuration, and `initialize` says so (`UNAVAILABLE`, `INVALID_CONFIG` for a refused token).
 */
async function checkPlatform(): Promise<PlatformCheck> {
  try {
    require('ws');
    return { ok: true, detail: 'a WebSocket client; the server is checked at initialize' };
  } catch (e) {
    return {
      ok: false,
      reason: `the ws module cannot be loaded: ${(e as Error).message}`,
      hint: 'npm install ws',
    };
  }
}

/** The remote backend as a vth plugin (named in package.json: `"vth": { "backend": "./dist/plugin.js" }`). */
export const plugin: BackendPlugin<RemoteConfig> = {
  type: 'remote',
  version,
  description:
    'Sessions on another host through its `vth serve` (vth.v1 over WebSocket); survives connection loss',
  contractVersion: 1,
  capabilities: REMOTE_CAPABILITIES,
  configSchema: remoteConfigSchema,
  checkPlatform,
  create: (config) => new RemoteBackend(config),
};
