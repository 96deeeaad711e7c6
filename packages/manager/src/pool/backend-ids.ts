import { type BackendSpec } from '../backend-spec';

/**
 * Ids for specs without one: the type, then `type-2`, `type-3`, ... avoiding ids already taken; `prefix`
 * (an experiment variant's `<experiment>.<variant>.`) goes before each.
 */
export function assignIds(
  specs: readonly BackendSpec[],
  taken: Set<string> = new Set(),
  prefix = '',
): string[] {
  for (const spec of specs) if (spec.id !== undefined) taken.add(prefix + spec.id);
  return specs.map((spec) => {
    if (spec.id !== undefined) return prefix + spec.id;
    const base = prefix + spec.type.replace(/[^A-Za-z0-9_-]/g, '-');
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
    taken.add(id);
    return id;
  });
}
