import { fail, ok, type BackendResult } from '@vth/core';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { findInstalledPackage, isValidPackageName } from './find-installed-package';
import { loadPluginExport, type ModuleImporter } from './load-plugin-module';
import { readPluginManifest } from './plugin-manifest';
import { readJsonObject } from './read-json-object';

export const DEPENDENCY_FIELDS = [
  'dependencies',
  'optionalDependencies',
  'devDependencies',
  'peerDependencies',
] as const;
/** A list in package.json that `discover` can read for plugins (`DiscoverOptions.dependencyFields`). */
export type DependencyField = (typeof DEPENDENCY_FIELDS)[number];

/** What became of one dependency, in the order the app's package.json lists them. */
export type DependencyScan =
  | { package: string; kind: 'skipped' }
  | { package: string; kind: 'failed'; reason: string }
  | { package: string; kind: 'loaded'; version: string; modulePath: string; plugin: unknown };

export interface ScanOptions {
  /** The app's package.json, or the folder holding it. */
  from: string;
  dependencyFields: readonly DependencyField[];
  importModule: ModuleImporter;
  /** A plugin module that has not finished loading after this long is a failure of its package. */
  loadTimeoutMs: number;
}

async function resolveManifestPath(from: string): Promise<string> {
  const resolved = path.resolve(from);
  try {
    if ((await stat(resolved)).isDirectory()) return path.join(resolved, 'package.json');
  } catch {
    // Missing: reading it below reports the error with its path.
  }
  return resolved;
}

async function scanDependency(name: string, fromDir: string, options: ScanOptions): Promise<DependencyScan> {
  if (!isValidPackageName(name)) return { package: name, kind: 'failed', reason: 'not a valid package name' };
  const dir = await findInstalledPackage(name, fromDir);
  if (dir === undefined) {
    return {
      package: name,
      kind: 'failed',
      reason: `not installed (no node_modules above ${fromDir} holds it)`,
    };
  }
  const manifest = await readPluginManifest(dir);
  if (manifest.kind === 'none') return { package: name, kind: 'skipped' };
  if (manifest.kind === 'invalid') return { package: name, kind: 'failed', reason: manifest.reason };
  const loaded = await loadPluginExport(manifest.modulePath, options.importModule, options.loadTimeoutMs);
  if (!loaded.ok) {
    return { package: name, kind: 'failed', reason: `${JSON.stringify(manifest.entry)} ${loaded.reason}` };
  }
  return {
    package: name,
    kind: 'loaded',
    version: manifest.version,
    modulePath: manifest.modulePath,
    plugin: loaded.plugin,
  };
}

/**
 * Reads an app's package.json, finds each listed dependency the way Node would from the app's folder,
 * and loads the module named by its `"vth": { "backend": ... }` field, all at once, each load bounded by
 * `loadTimeoutMs`. Plugins come back unchecked; the factory checks their shape and registers them. Fails
 * only when the app's own package.json is unusable.
 *
 * @example
 * ```ts
 * const scan = await scanDependencies({
 *   from: '/srv/app', dependencyFields: ['dependencies'], importModule, loadTimeoutMs: 10_000,
 * });
 * ```
 */
export async function scanDependencies(options: ScanOptions): Promise<BackendResult<DependencyScan[]>> {
  const file = await resolveManifestPath(options.from);
  const read = await readJsonObject(file);
  if (!read.ok) {
    return fail('INVALID_CONFIG', `app manifest ${file} ${read.reason}`, {
      dispatched: false,
      details: { file },
    });
  }
  const names: string[] = [];
  for (const field of options.dependencyFields) {
    const deps = read.value[field];
    if (deps === undefined) continue;
    if (typeof deps !== 'object' || deps === null || Array.isArray(deps)) {
      return fail('INVALID_CONFIG', `app manifest ${file}: "${field}" must be an object`, {
        dispatched: false,
        details: { file, field },
      });
    }
    for (const name of Object.keys(deps)) if (!names.includes(name)) names.push(name);
  }
  const fromDir = path.dirname(file);
  // All at once, each load bounded: a module that hangs until its timeout holds up no other. The scans keep
  // the listing order, so duplicate types still resolve predictably (the first listed wins).
  return ok(await Promise.all(names.map((name) => scanDependency(name, fromDir, options))));
}
