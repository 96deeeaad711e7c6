import { type ExecutionContext } from './execution';
import { fail, ok, type BackendResult } from './result';
import { executionContextSchema } from './schemas';
import { linkAbortSignal } from './linked-abort-signal';
import { thrownMessage } from './thrown-message';
import { formatIssues, type SchemaIssue } from './validation';

/** Every field of `ExecutionContext`, in the order problems are reported. */
const CONTEXT_FIELDS = Object.keys(executionContextSchema.shape);

const fieldsSchema = executionContextSchema.omit({ signal: true });

const EMPTY_CONTEXT: ExecutionContext = Object.freeze({});

/** Contexts this module produced: frozen, plain, with a signal of our own. Parsing them again is free. */
const produced = new WeakSet<object>([EMPTY_CONTEXT]);

function refuse(lines: string[]): BackendResult<never> {
  return fail('INVALID_INPUT', `invalid context: ${lines.join('; ')}`, {
    dispatched: false,
    details: { issues: lines },
  });
}

const fieldOrder = (issue: SchemaIssue) => CONTEXT_FIELDS.indexOf(String(issue.path[0]));

/**
 * Validates the `ExecutionContext` of a call and returns a frozen plain copy that is safe to hand on: each
 * field of the caller's object is read once, inside a try (a getter or Proxy trap that throws is
 * `INVALID_INPUT` naming the field); the caller's `signal` is replaced by an AbortSignal of our own that
 * follows it (see `linkAbortSignal`); `onOutput` stays the caller's function (call it inside a try). Unknown
 * keys are dropped. Nothing past the boundary needs to touch the caller's objects again.
 *
 * @example
 * ```ts
 * const ctx = parseExecutionContext(context);
 * if (!ctx.ok) return ctx;
 * return runner.execute(command, ctx.value);
 * ```
 */
export function parseExecutionContext(context: unknown): BackendResult<ExecutionContext> {
  if (context === undefined) return ok(EMPTY_CONTEXT);
  if (typeof context !== 'object' || context === null) {
    return refuse(formatIssues([{ path: [], message: 'must be an object' }], 'context'));
  }
  if (produced.has(context)) return ok(context as ExecutionContext);
  const fields: Record<string, unknown> = {};
  for (const field of CONTEXT_FIELDS) {
    try {
      const value = (context as Record<string, unknown>)[field];
      if (value !== undefined) fields[field] = value;
    } catch (e) {
      return refuse([`context.${field}: could not be read (${thrownMessage(e)})`]);
    }
  }
  // After the reads: a revoked Proxy, on which Array.isArray throws, has been refused by now.
  if (Array.isArray(context)) return refuse(['context: must be an object']);
  const { signal, ...rest } = fields;
  if (signal === undefined && Object.keys(rest).length === 0) return ok(EMPTY_CONTEXT);
  const issues: SchemaIssue[] = [];
  let linked: AbortSignal | undefined;
  if (signal !== undefined) {
    const link = linkAbortSignal(signal);
    if (link.ok) linked = link.signal;
    else if (link.error.shape) issues.push({ path: ['signal'], message: link.error.problem });
    else return refuse([`context.signal.${link.error.at}: ${link.error.problem}`]);
  }
  // The values are the caller's too (a Proxy where a number belongs): zod may throw while describing them.
  let checked: ReturnType<typeof fieldsSchema.safeParse>;
  try {
    checked = fieldsSchema.safeParse(rest);
  } catch (e) {
    return refuse([`context: could not be read (${thrownMessage(e)})`]);
  }
  if (!checked.success) issues.push(...checked.error.issues);
  if (!checked.success || issues.length > 0) {
    return refuse(
      formatIssues(
        issues.sort((a, b) => fieldOrder(a) - fieldOrder(b)),
        'context',
      ),
    );
  }
  const parsed: ExecutionContext = Object.freeze({ ...checked.data, ...(linked ? { signal: linked } : {}) });
  produced.add(parsed);
  return ok(parsed);
}
