export { ContainerBackend, CONTAINER_CAPABILITIES, CONTAINER_PANE } from './container-backend';
export { containerConfigSchema, type ContainerConfig, type ContainerConfigInput } from './config';
export { containerCreateBody, LABELS } from './container-spec';
export { EngineClient, type EngineClientOptions } from './engine-client';
export { parseDockerHost, DEFAULT_DOCKER_HOST, type EngineEndpoint } from './engine-endpoint';
export { removeLeftovers, ownerTag } from './leftovers';
export { plugin } from './plugin';
