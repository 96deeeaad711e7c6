export { RemoteBackend, REMOTE_CAPABILITIES, mirrorCapabilities } from './remote-backend';
export { remoteConfigSchema, type RemoteConfig, type RemoteConfigInput } from './config';
export { Backoff } from './backoff';
export { type LinkState } from './remote-link';
export { plugin } from './plugin';
