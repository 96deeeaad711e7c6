import { type ZodType } from 'zod';
import { type ITerminalBackend } from './backend';
import { type BackendCapabilities } from './capabilities';

export type PlatformCheck = { ok: true; detail?: string } | { ok: false; reason: string; hint?: string };

/**
 * What a backend package exports as `plugin`, and names in its package.json:
 * `"vth": { "backend": "./dist/plugin.js" }`.
 *
 * @example
 * ```ts
 * export const plugin: BackendPlugin<MyConfig> = {
 *   type: 'my-backend', version: '1.0.0', description: 'Runs commands on ...',
 *   capabilities, configSchema: myConfigSchema,
 *   checkPlatform: async () => ({ ok: true }),
 *   create: (config) => new MyBackend(config),
 * };
 * ```
 */
export interface BackendPlugin<C = unknown> {
  type: string;
  version: string;
  description: string;
  capabilities: BackendCapabilities;
  /** Validated by the factory; defaults live here. */
  configSchema: ZodType<C>;
  /** A real probe of what the backend needs on this machine (a binary, a socket, a native module). */
  checkPlatform(): Promise<PlatformCheck>;
  create(config: C): ITerminalBackend;
}
