import { alertingConfigSchema } from '@vth/alerting';
import { LIMITS } from '@vth/core';
import { managerConfigSchema } from '@vth/manager';
import { mcpOptionsSchema } from '@vth/mcp';
import { securityOptionsSchema } from '@vth/security';
import { serverConfigSchema } from '@vth/server';
import { z } from 'zod';

const timeoutMsSchema = z
  .number({ error: 'must be a number of milliseconds' })
  .int('must be a whole number of milliseconds')
  .positive('must be positive')
  .max(LIMITS.timeoutMs, `must be at most ${LIMITS.timeoutMs}`);

const backendTypeSchema = z.string({ error: 'must be a backend type' }).min(1, 'must not be empty');

/**
 * The app's configuration file (`vth.config.json`). Strict: a misspelt key is an error, not a setting
 * silently ignored.
 *
 * @example
 * ```json
 * { "fallbackOrder": ["tmux", "node-pty"], "backends": { "node-pty": { "shell": "bash" } }, "exec": { "timeoutMs": 30000 } }
 * ```
 */
export const configSchema = z.strictObject(
  {
    /**
     * Where editors find the JSON Schema of this file (`vth config schema` prints it); ignored by the CLI.
     */
    $schema: z.string({ error: 'must be a string (the URL or path of the JSON Schema)' }).optional(),
    /** The backend to create when the command line names none; without it, `fallbackOrder` is tried. */
    defaultBackend: backendTypeSchema.optional(),
    /** Backend types tried in order until one can be created on this machine. */
    fallbackOrder: z
      .array(backendTypeSchema, { error: 'must be an array of backend types' })
      .min(1, 'must name at least one backend type')
      .default(['node-pty']),
    /** Per backend type, the config its plugin validates (`backends["node-pty"].shell`, ...). */
    backends: z
      .record(z.string(), z.unknown(), { error: 'must be an object keyed by backend type' })
      .default({}),
    /**
     * A pool of backends behind one `BackendManager` (see `@vth/manager`): used when the command line and
     * `defaultBackend` name no backend, or name `manager`.
     */
    manager: managerConfigSchema.optional(),
    /**
     * The security layer (`@vth/security`: rate limits, audit, command rules) in front of every backend the
     * app creates: the one named or found in `fallbackOrder`, and each `manager` backend spec that has no
     * `security` of its own.
     */
    security: securityOptionsSchema.optional(),
    /** `vth serve`: address, TLS, tokens, limits, security (see `@vth/server`); defaults serve 127.0.0.1:7700. */
    server: serverConfigSchema.optional(),
    /**
     * `vth serve`: the dashboard (`@vth/dashboard`) at `path`, on by default when the package is installed.
     * Its page asks for a token whenever the server does: it weakens no auth.
     */
    dashboard: z
      .strictObject(
        {
          enabled: z.boolean().default(true),
          path: z
            .string()
            .regex(/^\/[A-Za-z0-9._~/-]+$/, 'must be a path like /dashboard')
            .default('/dashboard'),
        },
        { error: 'must be an object' },
      )
      .optional(),
    /** `vth mcp`: tool limits and the Streamable HTTP endpoint (see `@vth/mcp`); defaults serve 127.0.0.1:7701. */
    mcp: mcpOptionsSchema.optional(),
    /** `vth serve`: alert rules and webhooks (`@vth/alerting`); alerts are logged to stderr and shown on the dashboard. Default: its default rules. */
    alerting: alertingConfigSchema.optional(),
    exec: z
      .strictObject(
        {
          /** Default time limit of `vth exec`; `--timeout` overrides it. */
          timeoutMs: timeoutMsSchema.optional(),
        },
        { error: 'must be an object' },
      )
      .default({}),
  },
  { error: 'must be an object' },
);

export type AppConfig = z.output<typeof configSchema>;

/** Treats an empty variable as unset, as shells commonly do (`VTH_BACKEND= vth exec ...`). */
const envValue = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/** The environment variables that override the file. */
export const configEnvSchema = z.object({
  VTH_BACKEND: envValue(backendTypeSchema),
  VTH_TIMEOUT_MS: envValue(
    z
      .string()
      .regex(/^\d+$/, 'must be a whole number of milliseconds')
      .transform(Number)
      .pipe(timeoutMsSchema),
  ),
});

/** Where the config file is found, in order: `--config`, then `VTH_CONFIG`, then `./vth.config.json` if it exists. */
export const CONFIG_FILE_ENV = 'VTH_CONFIG';
export const DEFAULT_CONFIG_FILE = 'vth.config.json';
/** The title of its JSON Schema (`vth config schema`, `config.schema.json`). */
export const APP_CONFIG_SCHEMA_TITLE = DEFAULT_CONFIG_FILE;
/** Overrides where plugins are discovered (a package.json); `--plugins-from` overrides it. */
export const PLUGINS_FROM_ENV = 'VTH_PLUGINS_FROM';
