// TypeDoc plugin: asks for documentation on what an author declared, not on what the compiler expanded.
// A `.d.ts` spells out inferred types in full: a zod schema constant carries its whole object shape, an
// inferred return type or a class field typed from a schema lists every nested field. Those members live
// inside an anonymous type literal; the declaration that owns them (the schema, the function, the field) is
// what gets the TSDoc. So a member nested in a type literal must be documented only when that literal is
// itself the body of an exported `type X = { ... }`, which is an author's declaration like an interface.
import { Converter, ReflectionKind } from 'typedoc';

/** @param {import('typedoc').Reflection} reflection */
function isInsideAnonymousType(reflection) {
  let anonymous = false;
  for (let r = reflection.parent; r; r = r.parent) {
    // TypeDoc never asks for documentation inside a parameter (the `@param` covers it).
    if (r.kindOf(ReflectionKind.Parameter)) return false;
    if (r.kindOf(ReflectionKind.TypeLiteral) && !r.parent?.kindOf(ReflectionKind.TypeAlias)) anonymous = true;
  }
  return anonymous;
}

/**
 * A member an interface inherits from a type the compiler spelled out (an interface extending a schema's
 * `z.input<...>` type): the schema owns those members' documentation, as above.
 *
 * @param {import('typedoc').Reflection} reflection
 */
function isInheritedFromAnonymousType(reflection) {
  const from = /** @type {{ inheritedFrom?: import('typedoc').ReferenceType }} */ (reflection).inheritedFrom;
  if (!from) return false;
  const source = from.reflection;
  return source === undefined || isInsideAnonymousType(source);
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    const checked = app.options
      .getValue('requiredToBeDocumented')
      .reduce((kinds, name) => kinds | ReflectionKind[name], 0);
    const packages = app.options.getValue('packagesRequiringDocumentation');
    const exempt = new Set(app.options.getValue('intentionallyNotDocumented'));
    const { project } = context;
    for (const reflection of Object.values(project.reflections)) {
      if (!reflection.kindOf(checked) || reflection.hasComment()) continue;
      // TypeDoc reports a name listed here but never checked; list only what it will check.
      const packageName = project.getSymbolIdFromReflection(reflection)?.packageName;
      if (!packages.includes(packageName)) continue;
      if (isInsideAnonymousType(reflection) || isInheritedFromAnonymousType(reflection)) {
        exempt.add(reflection.getFriendlyFullName());
      }
    }
    app.options.setValue('intentionallyNotDocumented', [...exempt]);
  });
}
