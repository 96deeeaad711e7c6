import { type ZodType } from 'zod';
import { type ITerminalBackend } from './backend';
import { type BackendCapabilities } from './capabilities';

/**
 * The version of the plugin contract (`BackendPlugin`, `ITerminalBackend`, `BackendCapabilities`) this
 * `@vth/core` defines. A plugin declares the version it was written for as `contractVersion`; the factory
 * refuses one newer than it supports and adapts older ones (a capability flag a plugin predates reads as
 * `false`). It grows only when a change would break a plugin written for the previous one.
 */
export const PLUGIN_CONTRACT_VERSION = 1;

/** What `BackendPlugin.checkPlatform` answers: can this backend run on this machine, and if not, why. */
export type PlatformCheck =
  | {
      /** The backend can run here. */
      ok: true;
      /** What was found (a version, a socket path), for listings of what works where. */
      detail?: string;
    }
  | {
      /** The backend cannot run here. */
      ok: false;
      /** What is missing, in words a person can act on. */
      reason: string;
      /** How to fix it (a package to install, a group to join). */
      hint?: string;
    };

/**
 * What a backend package exports as `plugin`, and names in its package.json:
 * `"vth": { "backend": "./dist/plugin.js" }`.
 *
 * @example
 * ```ts
 * export const plugin: BackendPlugin<MyConfig> = {
 *   type: 'my-backend', version: '1.0.0', description: 'Runs commands on ...', contractVersion: 1,
 *   capabilities, configSchema: myConfigSchema,
 *   checkPlatform: async () => ({ ok: true }),
 *   create: (config) => new MyBackend(config),
 * };
 * ```
 */
export interface BackendPlugin<C = unknown> {
  /** Names the backend in config files, ids and metrics: `/^[a-z0-9][a-z0-9._-]*$/`, at most 64 characters. */
  type: string;
  /** The plugin's semantic version (`1.2.3`, `1.2.3-beta.1`), at most 64 characters. */
  version: string;
  /** One or two sentences, at most 1024 characters. */
  description: string;
  /**
   * The {@link PLUGIN_CONTRACT_VERSION} the plugin was written for. Optional for now: a plugin without it
   * is registered with a warning and taken to target version 1.
   */
  contractVersion?: number;
  /** What the backends this plugin creates can do, known before one is created (for routing and listings). */
  capabilities: BackendCapabilities;
  /** Validated by the factory; defaults live here. */
  configSchema: ZodType<C>;
  /** A real probe of what the backend needs on this machine (a binary, a socket, a native module). */
  checkPlatform(): Promise<PlatformCheck>;
  /**
   * Makes an unstarted backend from a config that `configSchema` already validated; the caller then calls
   * `initialize`.
   */
  create(config: C): ITerminalBackend;
}
