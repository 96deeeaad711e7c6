/**
 * `@vth/backend-container/plugin`: the backend as a vth plugin (type `container`), which `@vth/factory`
 * registers or finds through the package's `"vth": { "backend": "./dist/plugin.js" }` field. Its platform
 * check finds the engine as the backend would and says which one answered, or why none did.
 *
 * @example
 * ```ts
 * import { plugin } from '@vth/backend-container/plugin';
 * const factory = new BackendFactory({ plugins: [plugin] });
 * ```
 *
 * @module @vth/backend-container/plugin
 */

import { hostname } from 'node:os';
import { type BackendPlugin, type PlatformCheck } from '@vth/core';
import { containerConfigSchema, type ContainerConfig } from './config';
import { CONTAINER_CAPABILITIES, ContainerBackend } from './container-backend';
import { connectEngine } from './engine-connection';

// Read at run time so the plugin reports the installed version without importing JSON.

const { version } = require('../package.json') as { version: string };

/**
 * Finds the engine as the backend would (DOCKER_HOST, the Docker context, the usual sockets), negotiates
 * the API version and asks the engine what it is; says why not, with what to do.
 */
async function checkPlatform(): Promise<PlatformCheck> {
  const connected = await connectEngine({}, { timeoutMs: 5000, backendId: `check-${hostname()}` });
  if (!connected.ok) {
    const hint = connected.error.details?.['hint'];
    return {
      ok: false,
      reason: connected.error.message,
      hint:
        typeof hint === 'string'
          ? hint
          : 'install and start a Docker Engine (apt-get install docker.io; dockerd) or Podman, or set DOCKER_HOST',
    };
  }
  const { engine, location, apiVersion } = connected.value;
  try {
    const v = await engine.json<{ Version?: string; Components?: Array<{ Name: string }> }>(
      'GET',
      '/version',
    );
    if (!v.ok) return { ok: false, reason: v.error.message };
    return {
      ok: true,
      detail: `${v.value.Components?.[0]?.Name ?? 'Engine'} ${v.value.Version} (API ${apiVersion}) at ${location.host} (${location.source})`,
    };
  } finally {
    engine.close();
  }
}

/** The container backend as a vth plugin (named in package.json: `"vth": { "backend": "./dist/plugin.js" }`). */
export const plugin: BackendPlugin<ContainerConfig> = {
  type: 'container',
  version,
  description:
    'A sandboxed container per session through the Docker Engine API (Docker, Podman, remote engines)',
  contractVersion: 1,
  capabilities: CONTAINER_CAPABILITIES,
  configSchema: containerConfigSchema,
  checkPlatform,
  create: (config) => new ContainerBackend(config),
};
