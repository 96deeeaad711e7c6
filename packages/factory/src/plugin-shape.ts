import {
  capabilitiesSchema,
  fail,
  formatIssues,
  ok,
  type BackendPlugin,
  type BackendResult,
} from '@vth/core';
import { z } from 'zod';
import { thrownMessage } from './thrown-message';

/** Plugin types name backends in config files, ids and metrics, so they stay lowercase and portable. */
export const PLUGIN_TYPE_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;

const fn = z.custom<(...args: unknown[]) => unknown>((v) => typeof v === 'function', 'must be a function');

// Only the method the factory calls is required, so a zod 3 schema or a hand-written one works too.
const schemaLike = z.custom<unknown>(
  (v) =>
    (typeof v === 'object' || typeof v === 'function') &&
    v !== null &&
    typeof (v as { safeParse?: unknown }).safeParse === 'function',
  'must be a schema with a safeParse function',
);

const pluginShape = z.object(
  {
    type: z
      .string({ error: 'must be a string' })
      .regex(
        PLUGIN_TYPE_PATTERN,
        'must match /^[a-z0-9][a-z0-9._-]*$/ (lowercase letters, digits, ".", "_", "-")',
      ),
    version: z.string({ error: 'must be a string' }).min(1, 'must not be empty'),
    description: z.string({ error: 'must be a string' }),
    capabilities: capabilitiesSchema,
    configSchema: schemaLike,
    checkPlatform: fn,
    create: fn,
  },
  { error: 'must be an object' },
);

/**
 * Checks that `value` looks like a `BackendPlugin`, naming every problem (`plugin.create: must be a
 * function`). The plugin itself is returned, not a parsed copy: its methods may rely on `this`.
 *
 * @example
 * ```ts
 * const checked = checkPluginShape(mod.plugin);
 * if (!checked.ok) console.warn(checked.error.message);
 * ```
 */
export function checkPluginShape(value: unknown, root = 'plugin'): BackendResult<BackendPlugin> {
  let parsed: ReturnType<typeof pluginShape.safeParse>;
  try {
    parsed = pluginShape.safeParse(value);
  } catch (e) {
    // A getter that throws or a hostile Proxy: report it like any other malformed plugin.
    return fail('INVALID_CONFIG', `invalid ${root}: could not be inspected: ${thrownMessage(e)}`, {
      dispatched: false,
    });
  }
  if (parsed.success) return ok(value as BackendPlugin);
  const issues = formatIssues(parsed.error.issues, root);
  return fail('INVALID_CONFIG', `invalid ${root}: ${issues.join('; ')}`, {
    dispatched: false,
    details: { issues },
  });
}
