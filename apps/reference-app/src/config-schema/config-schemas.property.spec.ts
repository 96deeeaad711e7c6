import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type BackendResult } from '@vth/core';
import { parseInput } from '@vth/core/kit';
import fc from 'fast-check';
import { ConfigLoader } from '../config-loader';
import { configJsonSchema } from './config-json-schema';
import { SHIPPED_CONFIG_SCHEMAS } from './package-config-schemas';

// Whatever a user writes in a config, every schema answers with a result: the parsed config, or
// INVALID_CONFIG whose every issue names a path under `config` — never a throw, never another code.

/** A config result is either the config, or INVALID_CONFIG, not dispatched, with each issue under `config`. */
function expectTyped(result: BackendResult<unknown>): void {
  if (result.ok) return;
  expect(result.error.code).toBe('INVALID_CONFIG');
  expect(result.error.dispatched).toBe(false);
  const issues = (result.error.details?.['issues'] ?? []) as string[];
  expect(issues.length).toBeGreaterThan(0);
  for (const issue of issues) expect(issue).toMatch(/^config\b/);
}

/** The keys a file may hold at the top and one level down, read from the schema's own JSON Schema. */
function knownKeys(jsonSchema: Record<string, unknown>): string[] {
  const keys: string[] = [];
  const properties = (jsonSchema['properties'] ?? {}) as Record<string, Record<string, unknown>>;
  for (const [key, sub] of Object.entries(properties)) {
    keys.push(key);
    for (const inner of Object.keys((sub['properties'] ?? {}) as object)) keys.push(`${key}.${inner}`);
  }
  return keys;
}

/** An object with the given dotted keys set to arbitrary values (the nested ones inside their parent). */
function withValues(entries: Array<[string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    const [head, inner] = key.split('.') as [string, string | undefined];
    if (inner === undefined) out[head] = value;
    else {
      const parent = out[head];
      out[head] = { ...(typeof parent === 'object' && parent !== null ? parent : {}), [inner]: value };
    }
  }
  return out;
}

const anyValue = fc.anything({ withBigInt: true, withDate: true, withMap: true, withNullPrototype: true });

describe('config schemas on arbitrary input (property)', () => {
  it.each(SHIPPED_CONFIG_SCHEMAS.map((s) => [s.package, s] as const))(
    '%s: the config, or INVALID_CONFIG naming paths under config, for anything',
    (_, entry) => {
      const keys = knownKeys(configJsonSchema(entry.schema, entry.title) as Record<string, unknown>);
      expect(keys.length).toBeGreaterThan(0);
      const plausible = fc
        .array(fc.tuple(fc.constantFrom(...keys, '__proto__', 'constructor', 'unknownKey'), anyValue), {
          maxLength: 6,
        })
        .map(withValues);
      fc.assert(
        fc.property(fc.oneof(anyValue, plausible), (input) => {
          expectTyped(parseInput(entry.schema, input, 'config', 'INVALID_CONFIG'));
        }),
        { numRuns: 300 },
      );
    },
  );

  it('a config object whose getters throw is INVALID_CONFIG, not a throw', () => {
    const hostile = Object.defineProperty({}, 'backends', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    for (const entry of SHIPPED_CONFIG_SCHEMAS) {
      const result = parseInput(entry.schema, hostile, 'config', 'INVALID_CONFIG');
      if (!result.ok) expect(result.error.code).toBe('INVALID_CONFIG');
    }
  });

  describe('vth.config.json read by the app', () => {
    let dir: string;
    beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'vth-config-property-'))));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('any file content loads as a config or fails INVALID_CONFIG naming the file', async () => {
      const file = path.join(dir, 'vth.config.json');
      const content = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.json({ maxDepth: 3 }),
        fc
          .array(
            fc.tuple(
              fc.constantFrom('backends', 'fallbackOrder', 'exec', 'manager', 'server', '$schema'),
              anyValue,
            ),
          )
          .map(
            (entries) =>
              JSON.stringify(Object.fromEntries(entries), (_, v: unknown) =>
                typeof v === 'bigint' ? Number(v) : v,
              ) ?? 'null',
          ),
      );
      await fc.assert(
        fc.asyncProperty(content, async (text) => {
          writeFileSync(file, text);
          const loaded = await new ConfigLoader({}, dir).load(file);
          if (loaded.ok) return;
          expect(loaded.error.code).toBe('INVALID_CONFIG');
          expect(loaded.error.message).toContain(file);
        }),
        { numRuns: 200 },
      );
    });
  });
});
