// Writes every package's config.schema.json from its zod schema (the list is in the reference app:
// apps/reference-app/src/config-schema/package-config-schemas.ts). Run after a config schema changes:
//   npx nx run @vth/reference-app:build && node tools/scripts/config-schemas.mjs
// The app's spec config-schema-files.spec.ts fails while a file is out of date.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(path.join(root, 'apps/reference-app/package.json'));
const { SHIPPED_CONFIG_SCHEMAS } = require('./dist/config-schema/package-config-schemas.js');
const { configJsonSchema } = require('./dist/config-schema/config-json-schema.js');

for (const entry of SHIPPED_CONFIG_SCHEMAS) {
  const file = path.join(root, entry.dir, 'config.schema.json');
  const text = await prettier.format(JSON.stringify(configJsonSchema(entry.schema, entry.title)), {
    ...(await prettier.resolveConfig(file)),
    parser: 'json',
  });
  writeFileSync(file, text);
  console.log(`wrote ${path.relative(root, file)}`);
}
