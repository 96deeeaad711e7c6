/**
 * `@vth/server`: serves the sessions of any `ITerminalBackend` (normally a `BackendManager`) over HTTP and
 * WebSocket (`vth.v1`, see `@vth/protocol`): live terminals with byte-exact replay and flow control,
 * idempotent commands, users kept apart by token, Prometheus metrics, an admin API, a live event stream
 * and an OpenAPI document. `createServer` answers `INVALID_CONFIG` naming each bad path; the backend stays
 * the caller's to shut down.
 *
 * @example
 * ```ts
 * import { createServer } from '@vth/server';
 * const created = createServer({ backend: manager, config: { port: 7700 } });
 * if (!created.ok) throw created.error;
 * await created.value.listen();
 * ```
 *
 * @module @vth/server
 */
export { createServer, type CreateServerOptions, type VthServer } from './create-server';
export {
  serverConfigSchema,
  type ServerConfig,
  type ServerConfigInput,
  type TokenEntryInput,
} from './server-config';
// Kept here for the server's users; they live in @vth/security, which @vth/mcp uses without the server.
export {
  hashToken,
  hostOf,
  isLoopbackAddress,
  isLoopbackHost,
  TokenStore,
  type TokenEntry,
} from '@vth/security';
export { AttachTokens, type AttachTokenClaims } from './auth/attach-tokens';
export { LOCAL_USER } from './auth/authenticator';
export { type Identity } from './auth/identity';
export { SOCKET_PATH } from './socket/socket-server';
export { ROUTES, type RouteSpec } from './http/routes';
export { openApiDocument } from './http/openapi';
export { STREAMED_EVENTS } from './observability/event-hub';
export { type AdminAction } from './requests/admin-audit';
export { OutputRing } from './stream/output-ring';
export { RequestLedger, type LedgerKey } from './requests/request-ledger';
export { type StaticAssetsOptions } from './http/static-assets';
export { type AlertFeed } from './observability/alert-feed';
