import { formatIssues, type SchemaIssue } from '@vth/core/kit';
import { isRecord } from './is-record';

/** A config as a plugin's schema judged it: the parsed value (defaults applied), or `config.<path>` issues. */
export type PluginConfig = { ok: true; data: unknown } | { ok: false; issues: string[] };

/** Zod 3, zod 4 and hand-written schemas all report `{ path, message }` issues; anything else is coerced. */
function toSchemaIssues(issues: unknown): SchemaIssue[] {
  if (!Array.isArray(issues)) return [];
  return issues.map((issue: unknown) => {
    const i = isRecord(issue) ? issue : {};
    return {
      path: Array.isArray(i['path']) ? (i['path'] as PropertyKey[]) : [],
      message: typeof i['message'] === 'string' ? i['message'] : 'invalid',
    };
  });
}

/**
 * Runs a plugin's `configSchema.safeParse` and reads its answer. Zod 3, zod 4 and hand-written schemas all
 * answer `{ success, data }` or `{ success: false, error: { issues } }`; anything else counts as a refusal.
 * Throws what the schema, or reading its answer, throws: the caller reports it as the plugin's fault.
 *
 * @example
 * ```ts
 * const parsed = parsePluginConfig(plugin.configSchema, { socketName: 'vth' });
 * if (!parsed.ok) console.error(parsed.issues.join('; ')); // config.socketName: ...
 * ```
 */
export function parsePluginConfig(
  schema: { safeParse(value: unknown): unknown },
  config: unknown,
): PluginConfig {
  const parsed = schema.safeParse(config);
  const result = isRecord(parsed) ? parsed : {};
  if (result['success'] === true) return { ok: true, data: result['data'] };
  const error = isRecord(result['error']) ? result['error'] : {};
  return { ok: false, issues: formatIssues(toSchemaIssues(error['issues']), 'config') };
}
