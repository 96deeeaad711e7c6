import { hostname } from 'node:os';
import { type BackendPlugin, type PlatformCheck } from '@vth/core';
import { containerConfigSchema, type ContainerConfig } from './config';
import { CONTAINER_CAPABILITIES, ContainerBackend } from './container-backend';
import { EngineClient } from './engine-client';
import { DEFAULT_DOCKER_HOST, parseDockerHost } from './engine-endpoint';

// Read at run time so the plugin reports the installed version without importing JSON.

const { version } = require('../package.json') as { version: string };

/** Pings the engine named by DOCKER_HOST (or the default socket) and reports why not, with what to do. */
async function checkPlatform(): Promise<PlatformCheck> {
  const host = process.env['DOCKER_HOST'] ?? DEFAULT_DOCKER_HOST;
  let endpoint;
  try {
    endpoint = parseDockerHost(host, {
      ...(process.env['DOCKER_TLS_VERIFY'] ? { verify: true } : {}),
      ...(process.env['DOCKER_CERT_PATH'] ? { certPath: process.env['DOCKER_CERT_PATH'] } : {}),
    });
  } catch (e) {
    return { ok: false, reason: `cannot read the TLS files of DOCKER_CERT_PATH: ${(e as Error).message}` };
  }
  if (!endpoint) return { ok: false, reason: `DOCKER_HOST="${host}" is not a valid engine address` };
  const engine = new EngineClient({ endpoint, timeoutMs: 5000, backendId: `check-${hostname()}` });
  try {
    const v = await engine.json<{
      Version?: string;
      ApiVersion?: string;
      Components?: Array<{ Name: string }>;
    }>('GET', '/version');
    if (!v.ok) {
      return {
        ok: false,
        reason: v.error.message,
        hint: 'install and start a Docker Engine (apt-get install docker.io; dockerd) or Podman, or set DOCKER_HOST',
      };
    }
    const [major, minor] = (v.value.ApiVersion ?? '0.0').split('.').map(Number);
    if ((major ?? 0) < 1 || ((major ?? 0) === 1 && (minor ?? 0) < 41)) {
      return {
        ok: false,
        reason: `the engine speaks API ${v.value.ApiVersion}; vth needs 1.41 or later (Docker 20.10+)`,
        hint: 'upgrade the Docker Engine',
      };
    }
    return {
      ok: true,
      detail: `${v.value.Components?.[0]?.Name ?? 'Engine'} ${v.value.Version} (API ${v.value.ApiVersion})`,
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
