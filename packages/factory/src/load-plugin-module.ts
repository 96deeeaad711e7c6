import { pathToFileURL } from 'node:url';
import { thrownMessage } from './thrown-message';

/** Loads a module given its file URL. The default is the runtime's own `import()`. */
export type ModuleImporter = (fileUrl: string) => Promise<unknown>;

/**
 * `import()` rather than `require()`: it loads CommonJS and ES modules alike. TypeScript keeps it as a real
 * `import()` in CommonJS output because the package compiles with `module: nodenext`.
 */
export const importModuleNatively: ModuleImporter = (fileUrl) => import(fileUrl);

/**
 * The plugin a module exports: `plugin`, else `default.plugin`, else a default export that looks like
 * the plugin itself (a CommonJS `module.exports = plugin` arrives as the default export).
 */
export function pickPluginExport(namespace: unknown): unknown {
  if (typeof namespace !== 'object' || namespace === null) return undefined;
  const named = (namespace as { plugin?: unknown }).plugin;
  if (named !== undefined) return named;
  const fallback = (namespace as { default?: unknown }).default;
  if (typeof fallback !== 'object' || fallback === null) return undefined;
  const nested = (fallback as { plugin?: unknown }).plugin;
  if (nested !== undefined) return nested;
  return 'type' in fallback || 'create' in fallback ? fallback : undefined;
}

/**
 * Loads the module at `modulePath` and returns its plugin export, unchecked. Never throws: a module that
 * throws while loading is a reason, not a crash.
 *
 * @example
 * ```ts
 * const loaded = await loadPluginExport('/srv/app/node_modules/x/dist/plugin.js', importModuleNatively);
 * ```
 */
export async function loadPluginExport(
  modulePath: string,
  importModule: ModuleImporter,
): Promise<{ ok: true; plugin: unknown } | { ok: false; reason: string }> {
  let namespace: unknown;
  try {
    namespace = await importModule(pathToFileURL(modulePath).href);
  } catch (e) {
    return { ok: false, reason: `failed to load: ${thrownMessage(e)}` };
  }
  const plugin = pickPluginExport(namespace);
  if (plugin === undefined) {
    return {
      ok: false,
      reason:
        'exports no plugin (expected a "plugin" export, a default export with "plugin", or a default export that is the plugin)',
    };
  }
  return { ok: true, plugin };
}
