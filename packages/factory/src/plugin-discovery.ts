import { type BackendResult, fail, ok } from '@vth/core';
import { thrownMessage } from '@vth/core/kit';
import { scanDependencies, type DependencyField } from './discover';
import { DEFAULT_LOAD_TIMEOUT_MS, importModuleNatively, type ModuleImporter } from './load-plugin-module';
import { inspectPlugin, type InspectedPlugin } from './plugin-shape';

/** Where and how `discover` looks for plugins. */
export interface DiscoverOptions {
  /** The app's package.json, or the folder holding it. */
  from: string;
  /** Register what is found. Default true; false only reports what would be registered. */
  register?: boolean;
  /** Which dependency lists to read. Default `['dependencies', 'optionalDependencies']`. */
  dependencyFields?: DependencyField[];
  /**
   * Loads a plugin module from its file URL. Default: the runtime's `import()`. Pass your own where
   * `import()` is not available as is, e.g. under Jest without `--experimental-vm-modules`.
   */
  importModule?: ModuleImporter;
  /**
   * A plugin module that has not finished loading after this many milliseconds (an ES module whose
   * top-level `await` never settles) is reported as a failure of its package. Default 10 000. Modules load
   * at once, so one that hangs delays discovery by at most this long, and no other package.
   */
  loadTimeoutMs?: number;
}

/** A plugin `discover` loaded and checked (and registered, unless `register` was false). */
export interface DiscoveredPlugin {
  /** The npm package it came from. */
  package: string;
  /** The installed package's version. */
  version: string;
  /** The plugin's `type`, the key to `create` it with. */
  type: string;
  /** Absolute, symlinks resolved: the file that was loaded. */
  modulePath: string;
}

/** What `discover` found, dependency by dependency: one bad package never hides the others. */
export interface DiscoveryReport {
  /** Plugins loaded and checked, in the order the app's package.json lists them. */
  plugins: DiscoveredPlugin[];
  /**
   * Dependencies that gave no usable plugin: not installed, a malformed `vth` field, a module that failed
   * or hung while loading, a malformed plugin, a type already taken. `reason` says which.
   */
  failures: Array<{ package: string; reason: string }>;
  /** Dependencies without a `"vth": { "backend": ... }` field. */
  skipped: string[];
  /** What was adapted or ignored in the plugins listed in `plugins`, one line each (see `register`). */
  warnings: Array<{ package: string; message: string }>;
}

const DEFAULT_DEPENDENCY_FIELDS: readonly DependencyField[] = ['dependencies', 'optionalDependencies'];

/**
 * Scans an app's dependencies for backend plugins, checks each by shape and, unless `register` is false,
 * adds it to `registry` (a type already there, or claimed by an earlier package, is a failure of the later
 * one). `options` were validated by the caller. Never throws: an unexpected failure is `INTERNAL`.
 *
 * @example
 * ```ts
 * const found = await discoverPlugins({ from: process.cwd() }, registry);
 * ```
 */
export async function discoverPlugins(
  options: DiscoverOptions,
  registry: Map<string, InspectedPlugin>,
): Promise<BackendResult<DiscoveryReport>> {
  try {
    const scan = await scanDependencies({
      from: options.from,
      dependencyFields: options.dependencyFields ?? DEFAULT_DEPENDENCY_FIELDS,
      importModule: options.importModule ?? importModuleNatively,
      loadTimeoutMs: options.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS,
    });
    if (!scan.ok) return fail(scan.error);
    const report: DiscoveryReport = { plugins: [], failures: [], skipped: [], warnings: [] };
    const claimedBy = new Map<string, string>();
    for (const dep of scan.value) {
      if (dep.kind === 'skipped') {
        report.skipped.push(dep.package);
        continue;
      }
      if (dep.kind === 'failed') {
        report.failures.push({ package: dep.package, reason: dep.reason });
        continue;
      }
      const checked = inspectPlugin(dep.plugin);
      if (!checked.ok) {
        report.failures.push({ package: dep.package, reason: checked.error.message });
        continue;
      }
      const { type } = checked.value;
      const owner = claimedBy.get(type);
      if (owner !== undefined || registry.has(type)) {
        const by = owner === undefined ? '' : ` by ${owner}`;
        report.failures.push({
          package: dep.package,
          reason: `backend type "${type}" is already registered${by}`,
        });
        continue;
      }
      claimedBy.set(type, dep.package);
      if (options.register !== false) registry.set(type, checked.value);
      report.plugins.push({ package: dep.package, version: dep.version, type, modulePath: dep.modulePath });
      for (const message of checked.value.warnings) report.warnings.push({ package: dep.package, message });
    }
    return ok(report);
  } catch (e) {
    // The scan handles every expected failure itself; this is the promise that discover never throws.
    return fail('INTERNAL', `plugin discovery failed: ${thrownMessage(e)}`, {
      dispatched: false,
      cause: e,
    });
  }
}
