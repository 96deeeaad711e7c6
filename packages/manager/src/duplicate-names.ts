import { type z } from 'zod';

/**
 * Adds an issue at `[list, index, key]` for each item whose name an earlier item of `items` already took
 * (items without a name are skipped), and returns the names seen: a config names its parts once.
 *
 * @example
 * ```ts
 * schema.superRefine((config, ctx) => {
 *   flagDuplicates(ctx, config.backends, ['backends', 'id'], (b) => b.id, (id) => `duplicate id "${id}"`);
 * });
 * ```
 */
export function flagDuplicates<T>(
  ctx: z.RefinementCtx,
  items: readonly T[],
  [list, key]: [string, string],
  nameOf: (item: T) => string | undefined,
  message: (name: string) => string,
): Set<string> {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const name = nameOf(item);
    if (name === undefined) return;
    if (seen.has(name)) ctx.addIssue({ code: 'custom', path: [list, index, key], message: message(name) });
    seen.add(name);
  });
  return seen;
}
