/**
 * `@vth/backend-remote`: an `ITerminalBackend` whose sessions live on another host, behind that host's
 * `vth serve`: every call is a `vth.v1` operation over one WebSocket, which reconnects with backoff and
 * keeps the sessions through short outages (`graceMs`). `initialize` answers `UNAVAILABLE` when no server
 * answers and `INVALID_CONFIG` when the token is refused.
 *
 * @example
 * ```ts
 * import { RemoteBackend } from '@vth/backend-remote';
 * const backend = new RemoteBackend({ url: 'wss://build-7.internal:7700', token: process.env.VTH_TOKEN });
 * const started = await backend.initialize({});
 * if (!started.ok) throw started.error;
 * ```
 *
 * @module @vth/backend-remote
 */
export { RemoteBackend, REMOTE_CAPABILITIES, mirrorCapabilities } from './remote-backend';
export { remoteConfigSchema, type RemoteConfig, type RemoteConfigInput } from './config';
export { Backoff } from './backoff';
export { type LinkState } from './remote-link';
export { plugin } from './plugin';
