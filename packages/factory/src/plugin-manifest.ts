import { realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { readJsonObject } from './read-json-object';

/** What a dependency's package.json says about vth: nothing, something wrong, or a plugin module. */
export type PluginManifest =
  | { kind: 'none' }
  | { kind: 'invalid'; reason: string }
  | { kind: 'plugin'; version: string; modulePath: string; entry: string };

function isInside(dir: string, target: string): boolean {
  const rel = path.relative(dir, target);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/**
 * Reads `"vth": { "backend": "./dist/plugin.js" }` from the package in `packageDir` and resolves the
 * module it names. The module must be a file inside the package, also after following symlinks: a
 * manifest must not make the host load arbitrary files.
 *
 * @example
 * ```ts
 * const manifest = await readPluginManifest('/srv/app/node_modules/@vth/backend-tmux');
 * if (manifest.kind === 'plugin') await import(pathToFileURL(manifest.modulePath).href);
 * ```
 */
export async function readPluginManifest(packageDir: string): Promise<PluginManifest> {
  const read = await readJsonObject(path.join(packageDir, 'package.json'));
  if (!read.ok) return { kind: 'invalid', reason: `package.json ${read.reason}` };
  const { vth, version } = read.value;
  if (vth === undefined) return { kind: 'none' };
  if (typeof vth !== 'object' || vth === null || Array.isArray(vth)) {
    return { kind: 'invalid', reason: '"vth" must be an object like { "backend": "./dist/plugin.js" }' };
  }
  const entry = (vth as { backend?: unknown }).backend;
  // A "vth" object without "backend" may describe something else (a future field), not a broken plugin.
  if (entry === undefined) return { kind: 'none' };
  if (typeof entry !== 'string' || entry === '') {
    return {
      kind: 'invalid',
      reason: '"vth.backend" must be a non-empty string path relative to the package',
    };
  }
  if (path.isAbsolute(entry)) {
    return {
      kind: 'invalid',
      reason: `"vth.backend" (${JSON.stringify(entry)}) must be relative to the package`,
    };
  }
  const outside = {
    kind: 'invalid',
    reason: `"vth.backend" (${JSON.stringify(entry)}) points outside the package`,
  } as const;
  const resolved = path.resolve(packageDir, entry);
  if (!isInside(packageDir, resolved)) return outside;
  try {
    if (!(await stat(resolved)).isFile()) {
      return { kind: 'invalid', reason: `"vth.backend" (${JSON.stringify(entry)}) is not a file` };
    }
  } catch {
    return { kind: 'invalid', reason: `"vth.backend" (${JSON.stringify(entry)}) does not exist` };
  }
  const [realDir, realModule] = await Promise.all([realpath(packageDir), realpath(resolved)]);
  if (!isInside(realDir, realModule)) return outside;
  return {
    kind: 'plugin',
    version: typeof version === 'string' ? version : '',
    modulePath: realModule,
    entry,
  };
}
