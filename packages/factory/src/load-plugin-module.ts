import { pathToFileURL } from 'node:url';
import { thrownMessage } from '@vth/core/kit';

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

/** How long discovery waits for one plugin module to load, unless told otherwise. */
export const DEFAULT_LOAD_TIMEOUT_MS = 10_000;

type Loaded = { ok: true; namespace: unknown } | { ok: false; reason: string };

/**
 * `importModule`, bounded: an ES module whose top-level `await` never settles makes `import()` never settle
 * either, and nothing can cancel it. Past `timeoutMs` the load counts as failed and is left behind (it stays
 * pending in the module loader; a later settlement is ignored, a rejection included).
 */
async function importWithin(
  fileUrl: string,
  importModule: ModuleImporter,
  timeoutMs: number,
): Promise<Loaded> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<Loaded>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          ok: false,
          reason: `did not finish loading within ${timeoutMs} ms (a top-level await that never settles?)`,
        }),
      timeoutMs,
    );
  });
  const loading = Promise.resolve()
    .then(() => importModule(fileUrl))
    .then(
      (namespace): Loaded => ({ ok: true, namespace }),
      (e: unknown): Loaded => ({ ok: false, reason: `failed to load: ${thrownMessage(e)}` }),
    );
  try {
    return await Promise.race([loading, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Loads the module at `modulePath` and returns its plugin export, unchecked. Never throws: a module that
 * throws while loading, or does not finish loading within `timeoutMs`, is a reason, not a crash. A module
 * that blocks the thread (a synchronous endless loop) cannot be bounded here: it blocks the process.
 *
 * @example
 * ```ts
 * const loaded = await loadPluginExport('/srv/app/node_modules/x/dist/plugin.js', importModuleNatively, 10_000);
 * ```
 */
export async function loadPluginExport(
  modulePath: string,
  importModule: ModuleImporter,
  timeoutMs: number = DEFAULT_LOAD_TIMEOUT_MS,
): Promise<{ ok: true; plugin: unknown } | { ok: false; reason: string }> {
  const loaded = await importWithin(pathToFileURL(modulePath).href, importModule, timeoutMs);
  if (!loaded.ok) return loaded;
  let plugin: unknown;
  try {
    plugin = pickPluginExport(loaded.namespace);
  } catch (e) {
    // A namespace whose getters throw (a CommonJS module.exports with a throwing "plugin" getter).
    return { ok: false, reason: `could not be inspected: ${thrownMessage(e)}` };
  }
  if (plugin === undefined) {
    return {
      ok: false,
      reason:
        'exports no plugin (expected a "plugin" export, a default export with "plugin", or a default export that is the plugin)',
    };
  }
  return { ok: true, plugin };
}
