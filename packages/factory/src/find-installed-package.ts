import { stat } from 'node:fs/promises';
import * as path from 'node:path';

// npm's rule for new names, case-insensitive for old ones. The name becomes part of a path, so this
// also keeps a dependency key like "../../x" from reaching outside node_modules.
const PACKAGE_NAME = /^(?:@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/i;

export function isValidPackageName(name: string): boolean {
  return PACKAGE_NAME.test(name);
}

/** The node_modules folders Node searches from `fromDir`, nearest first. */
export function nodeModulesDirs(fromDir: string): string[] {
  const dirs: string[] = [];
  let dir = path.resolve(fromDir);
  for (;;) {
    if (path.basename(dir) !== 'node_modules') dirs.push(path.join(dir, 'node_modules'));
    const parent = path.dirname(dir);
    if (parent === dir) return dirs;
    dir = parent;
  }
}

/**
 * The folder of the installed package `name` as Node would find it from `fromDir`, or undefined.
 * Looks for the package.json file itself rather than asking `require.resolve('<name>/package.json')`,
 * which an `exports` map that does not list package.json makes fail.
 *
 * @example
 * ```ts
 * const dir = await findInstalledPackage('@vth/backend-tmux', '/srv/app');
 * ```
 */
export async function findInstalledPackage(name: string, fromDir: string): Promise<string | undefined> {
  if (!isValidPackageName(name)) return undefined;
  for (const nodeModules of nodeModulesDirs(fromDir)) {
    const dir = path.join(nodeModules, ...name.split('/'));
    try {
      if ((await stat(path.join(dir, 'package.json'))).isFile()) return dir;
    } catch {
      // Not in this node_modules: keep walking up, as Node does.
    }
  }
  return undefined;
}
