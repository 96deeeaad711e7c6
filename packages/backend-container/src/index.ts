/**
 * `@vth/backend-container`: a vth backend that runs each session in its own sandboxed container through the
 * Docker Engine API (a local or remote Docker Engine, Podman's compatible socket): isolation for untrusted
 * commands. Each container holds one persistent shell driven by `@vth/shell-integration` marks, so commands
 * get exact output, exit codes and cwd without a `docker exec` each. Containers start with no network, no
 * capabilities, a read-only root, memory/CPU/process limits and a non-root user; weakening any of these
 * needs a named opt-in in `config.unsafe`. Also exported: the pieces it is built from (finding the engine,
 * the Engine API client, image pulls, the container spec, clean-up of leftovers).
 *
 * @example
 * ```ts
 * import { ContainerBackend } from '@vth/backend-container';
 * const backend = new ContainerBackend({ image: 'my-sandbox:1', memoryBytes: 256 * 2 ** 20 });
 * const init = await backend.initialize({});
 * if (!init.ok) throw init.error; // UNAVAILABLE: no engine, or the image is missing
 * ```
 *
 * @module @vth/backend-container
 */
export { ContainerBackend, CONTAINER_CAPABILITIES, CONTAINER_PANE } from './container-backend';
export { containerConfigSchema, type ContainerConfig, type ContainerConfigInput } from './config';
export { containerCreateBody, LABELS } from './container-spec';
export { EngineClient, ENGINE_API, type EngineClientOptions } from './engine-client';
export { pullImage, imageQuery, type PullProgressEvent } from './image-pull';
export { locateEngine, type EngineLocation, type EngineChoice } from './engine-discovery';
export { connectEngine, type EngineConnection } from './engine-connection';
export { parseDockerHost, DEFAULT_DOCKER_HOST, type EngineEndpoint } from './engine-endpoint';
export { removeLeftovers, ownerTag } from './leftovers';
export { plugin } from './plugin';
