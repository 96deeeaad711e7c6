import { containerConfigSchema } from '@vth/backend-container';
import { nodePtyConfigSchema } from '@vth/backend-node-pty';
import { remoteConfigSchema } from '@vth/backend-remote';
import { tmuxConfigSchema } from '@vth/backend-tmux';
import { managerConfigSchema } from '@vth/manager';
import { mcpOptionsSchema } from '@vth/mcp';
import { serverConfigSchema } from '@vth/server';
import { type z } from 'zod';
import { APP_CONFIG_SCHEMA_TITLE, configSchema } from '../config';

/** One config schema shipped as `config.schema.json` at the root of its package. */
export interface ShippedConfigSchema {
  /** The package name; the file is `<package>/config.schema.json` in its exports map. */
  package: string;
  /** Its directory in the repository, from the root. */
  dir: string;
  schema: z.ZodType;
  title: string;
}

/**
 * Every config schema of the repository, each written to `config.schema.json` in its package by
 * `node tools/scripts/config-schemas.mjs` and checked up to date by `config-schema-files.spec.ts`.
 */
export const SHIPPED_CONFIG_SCHEMAS: readonly ShippedConfigSchema[] = [
  {
    package: '@vth/backend-tmux',
    dir: 'packages/backend-tmux',
    schema: tmuxConfigSchema,
    title: 'tmux backend config',
  },
  {
    package: '@vth/backend-node-pty',
    dir: 'packages/backend-node-pty',
    schema: nodePtyConfigSchema,
    title: 'node-pty backend config',
  },
  {
    package: '@vth/backend-container',
    dir: 'packages/backend-container',
    schema: containerConfigSchema,
    title: 'container backend config',
  },
  {
    package: '@vth/backend-remote',
    dir: 'packages/backend-remote',
    schema: remoteConfigSchema,
    title: 'remote backend config',
  },
  {
    package: '@vth/manager',
    dir: 'packages/manager',
    schema: managerConfigSchema,
    title: 'BackendManager config',
  },
  {
    package: '@vth/server',
    dir: 'packages/server',
    schema: serverConfigSchema,
    title: 'vth serve config (server)',
  },
  { package: '@vth/mcp', dir: 'packages/mcp', schema: mcpOptionsSchema, title: 'vth MCP options' },
  {
    package: '@vth/reference-app',
    dir: 'apps/reference-app',
    schema: configSchema,
    title: APP_CONFIG_SCHEMA_TITLE,
  },
];
