import { type ZodType } from 'zod';
import { type BackendErrorCode } from './backend-error';
import { fail, ok, type BackendResult } from './result';
import { thrownMessage } from './thrown-message';

/** The shape of an issue shared by zod 3 and zod 4, so third-party plugins may use either. */
export interface SchemaIssue {
  /** Where in the input the issue is (`['options', 'env', 'PATH']`), for the error's offending path. */
  path: readonly PropertyKey[];
  /** What is wrong there, in words. */
  message: string;
  /** zod's issue code; `unrecognized_keys` issues carry the offending `keys`. */
  code?: string;
  /** The unknown keys of an `unrecognized_keys` issue. */
  keys?: readonly string[];
}

/**
 * `a.b[0].c: message` lines a person can act on. A strict object's unknown keys, which zod reports as one
 * issue at the object, get a line each at their own path (`config.shel: unknown key`): where a person looks.
 */
export function formatIssues(issues: readonly SchemaIssue[], root = ''): string[] {
  const expanded = issues.flatMap((issue): SchemaIssue[] =>
    issue.code === 'unrecognized_keys' && issue.keys?.length
      ? issue.keys.map((key) => ({ path: [...issue.path, key], message: 'unknown key' }))
      : [issue],
  );
  return expanded.map((issue) => {
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
 * path, with the issues in `details.issues`. A value whose reading throws (a getter, a Proxy trap, a revoked
 * Proxy) is refused the same way, `invalid <what>: could not be read (...)`, never thrown.
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
  let parsed: ReturnType<typeof schema.safeParse>;
  try {
    parsed = schema.safeParse(value);
  } catch (e) {
    const line = `could not be read (${thrownMessage(e)})`;
    return fail(code, `invalid ${what}: ${line}`, {
      dispatched: false,
      details: { issues: [`${what}: ${line}`] },
    });
  }
  if (parsed.success) return ok(parsed.data);
  const lines = formatIssues(parsed.error.issues, what);
  return fail(code, `invalid ${what}: ${lines.join('; ')}`, {
    dispatched: false,
    details: { issues: lines },
  });
}
