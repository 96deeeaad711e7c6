import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { configJsonSchema } from './config-json-schema';
import { SHIPPED_CONFIG_SCHEMAS } from './package-config-schemas';

const root = path.resolve(__dirname, '..', '..', '..', '..');
const read = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

describe('config.schema.json files', () => {
  it.each(SHIPPED_CONFIG_SCHEMAS.map((s) => [s.package, s] as const))(
    '%s: the committed file is the JSON Schema of its zod schema (else: node tools/scripts/config-schemas.mjs)',
    (_, entry) => {
      const file = path.join(root, entry.dir, 'config.schema.json');
      expect(read(file)).toEqual(configJsonSchema(entry.schema, entry.title));
    },
  );

  it.each(
    SHIPPED_CONFIG_SCHEMAS.filter((s) => s.dir.startsWith('packages/')).map((s) => [s.package, s] as const),
  )('%s: ships the file in its tarball and exports it as <package>/config.schema.json', (name, entry) => {
    const manifest = read(path.join(root, entry.dir, 'package.json')) as {
      files: string[];
      exports: Record<string, unknown>;
    };
    expect(manifest.files).toContain('config.schema.json');
    expect(manifest.exports['./config.schema.json']).toBe('./config.schema.json');
    // Through the workspace link, as a consumer's editor or validator would resolve it.
    expect(require.resolve(`${name}/config.schema.json`)).toBe(
      path.join(root, entry.dir, 'config.schema.json'),
    );
  });

  it('describes what a user writes (the input side): keys with a default are optional and show it', () => {
    const tmux = read(path.join(root, 'packages/backend-tmux/config.schema.json')) as {
      required?: string[];
      properties: Record<string, { default?: unknown; not?: unknown }>;
      additionalProperties: unknown;
    };
    expect(tmux.required ?? []).not.toContain('cols');
    expect(tmux.properties['cols']?.default).toBe(120);
    // Strict objects: a misspelt key is flagged by the editor as by the backend.
    expect(tmux.additionalProperties).toBe(false);
    // Hooks are code only: the schema says a JSON file cannot hold them instead of accepting anything.
    expect(tmux.properties['policy']?.not).toEqual({});
  });

  it("lets the app's config file name its schema with a $schema key", () => {
    const app = read(path.join(root, 'apps/reference-app/config.schema.json')) as {
      required?: string[];
      properties: Record<string, unknown>;
    };
    expect(app.properties['$schema']).toEqual(expect.objectContaining({ type: 'string' }));
    expect(app.required ?? []).toEqual([]);
  });
});
