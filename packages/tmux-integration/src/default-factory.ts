import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { BackendFactory, type DiscoveryReport } from '@vth/factory';

/** The result of looking for plugins: where, and what was found. */
export interface DiscoverySummary {
  /** The package.json whose dependencies were searched; `null` when none was found. */
  from: string | null;
  /** The plugins loaded and the dependencies that gave none, and why; `null` when discovery did not run or failed. */
  report: DiscoveryReport | null;
  /** Why discovery found nothing usable, when it did not run or failed. */
  problem?: string;
}

/**
 * The nearest package.json at or above `dir`, as Node would find the package a script belongs to; `null`
 * when there is none up to the file-system root.
 *
 * @example
 * ```ts
 * findNearestPackageJson(process.cwd()); // '/srv/voice-app/package.json'
 * ```
 */
export function findNearestPackageJson(dir: string): string | null {
  let current = path.resolve(dir);
  for (;;) {
    const candidate = path.join(current, 'package.json');
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

/**
 * A new `BackendFactory` holding the backend plugins installed as dependencies of the app that runs in
 * `cwd` (the nearest package.json from there): what `TmuxIntegration` uses when it is given no factory.
 *
 * @example
 * ```ts
 * const { factory, discovery } = await createDefaultFactory(process.cwd());
 * console.log(discovery.report?.plugins.map((p) => p.type)); // ['node-pty', 'tmux']
 * ```
 */
export async function createDefaultFactory(
  cwd: string,
): Promise<{ factory: BackendFactory; discovery: DiscoverySummary }> {
  const factory = new BackendFactory();
  const from = findNearestPackageJson(cwd);
  if (from === null) {
    return {
      factory,
      discovery: {
        from: null,
        report: null,
        problem: `no package.json found in ${cwd} or above it, so no backend plugins were discovered`,
      },
    };
  }
  const found = await factory.discover({ from });
  if (!found.ok) {
    return {
      factory,
      discovery: { from, report: null, problem: `plugin discovery failed: ${found.error.message}` },
    };
  }
  return { factory, discovery: { from, report: found.value } };
}

/** One line for error messages: what discovery found and what it could not load. */
export function describeDiscovery(discovery: DiscoverySummary): string {
  if (discovery.problem !== undefined) return discovery.problem;
  const report = discovery.report!;
  const found =
    report.plugins.length === 0
      ? 'no backend plugins'
      : `plugins ${report.plugins.map((p) => `${p.type} (${p.package}@${p.version})`).join(', ')}`;
  const failed = report.failures.map((f) => `${f.package}: ${f.reason}`).join('; ');
  return `discovery in the dependencies of ${discovery.from} found ${found}${failed ? `; could not load ${failed}` : ''}`;
}
