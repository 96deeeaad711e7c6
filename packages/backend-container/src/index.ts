export { ContainerBackend, CONTAINER_CAPABILITIES, CONTAINER_PANE } from './container-backend';
export { containerConfigSchema, type ContainerConfig, type ContainerConfigInput } from './config';
export { containerCreateBody, LABELS } from './container-spec';
export { EngineClient, ENGINE_API, type EngineClientOptions } from './engine-client';
export { locateEngine, type EngineLocation, type EngineChoice } from './engine-discovery';
export { connectEngine, type EngineConnection } from './engine-connection';
export { parseDockerHost, DEFAULT_DOCKER_HOST, type EngineEndpoint } from './engine-endpoint';
export { removeLeftovers, ownerTag } from './leftovers';
export { plugin } from './plugin';
