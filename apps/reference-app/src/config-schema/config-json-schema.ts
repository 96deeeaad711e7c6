import { MACHINE_DEFAULT } from '@vth/shell-integration';
import { z } from 'zod';

/** What a JSON Schema says for a value only code can give (a hook function, an object with methods). */
const CODE_ONLY = {
  not: {},
  description: 'set in code only (a function or an object with methods): it cannot appear in a JSON file',
};

/**
 * The JSON Schema (draft 2020-12) of a zod config schema, as a user writes the file: the input side
 * (`io: 'input'`), so keys with a default are optional and a transform's input type is what is described.
 * Refinements zod cannot express (cross-field checks) are left to validation. Values only code can give
 * (hooks) are marked as impossible in a file instead of failing the conversion.
 *
 * @example
 * ```ts
 * const schema = configJsonSchema(tmuxConfigSchema, '@vth/backend-tmux config');
 * writeFileSync('config.schema.json', `${JSON.stringify(schema, null, 2)}\n`);
 * ```
 */
export function configJsonSchema(schema: z.ZodType, title: string): Record<string, unknown> {
  const json = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      if (ctx.zodSchema._zod.def.type === 'custom') Object.assign(ctx.jsonSchema, CODE_ONLY);
      // A default computed from the machine (see MACHINE_DEFAULT) differs between machines: say so instead.
      if (MACHINE_DEFAULT in ctx.jsonSchema || z.globalRegistry.get(ctx.zodSchema)?.[MACHINE_DEFAULT]) {
        delete ctx.jsonSchema[MACHINE_DEFAULT];
        delete ctx.jsonSchema.default;
        ctx.jsonSchema.description = 'default: computed from this machine (free pseudo-terminals and memory)';
      }
    },
  }) as Record<string, unknown>;
  const { $schema, ...rest } = json;
  return { $schema, title, ...rest };
}

/** The text of a schema file: two-space JSON with a final newline, as prettier leaves it. */
export function schemaFileText(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
