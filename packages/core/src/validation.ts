import { type ZodType } from 'zod';
import { type BackendErrorCode } from './backend-error';
import { fail, ok, type BackendResult } from './result';

/** The shape of an issue shared by zod 3 and zod 4, so third-party plugins may use either. */
export interface SchemaIssue {
  path: readonly PropertyKey[];
  message: string;
}

/** `a.b[0].c: message` lines a person can act on. */
export function formatIssues(issues: readonly SchemaIssue[], root = ''): string[] {
  return issues.map((issue) => {
    let path = root;
    for (const key of issue.path) {
      if (typeof key === 'number') path += `[${key}]`;
      else path += path === '' ? String(key) : `.${String(key)}`;
    }
    return `${path === '' ? '(root)' : path}: ${issue.message}`;
  });
}

/**
 * Validates `value` at a public boundary. On failure: `INVALID_INPUT` (or the given code) naming every bad
 * path, with the issues in `details.issues`.
 *
 * @example
 * ```ts
 * const id = parseInput(sessionIdSchema, sessionId, 'sessionId');
 * if (!id.ok) return id;
 * ```
 */
export function parseInput<T>(
  schema: ZodType<T>,
  value: unknown,
  what: string,
  code: BackendErrorCode = 'INVALID_INPUT',
): BackendResult<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return ok(parsed.data);
  const lines = formatIssues(parsed.error.issues, what);
  return fail(code, `invalid ${what}: ${lines.join('; ')}`, {
    dispatched: false,
    details: { issues: lines },
  });
}
