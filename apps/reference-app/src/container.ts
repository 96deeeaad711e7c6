import { fail, ok, type BackendResult } from '@vth/core';
import { BackendFactory, type ModuleImporter } from '@vth/factory';
import * as path from 'node:path';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { APP_MANIFEST } from './app-manifest';
import { BackendProvider } from './backend-provider';
import { PLUGINS_FROM_ENV } from './config';
import { ConfigLoader } from './config-loader';
import { type Input, type Output, type SignalSource } from './stdio';
import { TOKENS } from './tokens';

export interface ContainerOptions {
  /** `--config`: the config file (else `VTH_CONFIG`, else `./vth.config.json` when it exists). */
  configPath?: string;
  /** `--plugins-from`: the package.json whose dependencies are searched for plugins (else `VTH_PLUGINS_FROM`, else the app's own). */
  pluginsFrom?: string;
  /** Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Relative paths are resolved against it. Default `process.cwd()`. */
  cwd?: string;
  /** Default the process's stdout and stderr. */
  output?: Output;
  /** Default `process.stdin`. */
  input?: Input;
  /** Default `process`. */
  signals?: SignalSource;
  /** How discovery loads plugin modules (default: `import()`); Jest needs its own. */
  importModule?: ModuleImporter;
  /** Default tsyringe's root container. */
  parent?: DependencyContainer;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * A child container holding everything a CLI run needs: the validated config, a `BackendFactory` with the
 * plugins discovered among the app's dependencies, the discovery report, the I/O to use and
 * `BackendProvider` (one per container); the command classes resolve from it. Fails (`INVALID_CONFIG`)
 * when the config or the environment is invalid, or the package.json to discover from is unusable.
 *
 * @example
 * ```ts
 * const created = await createContainer({ configPath: './vth.config.json' });
 * if (created.ok) process.exitCode = await created.value.resolve(ExecCommand).run({ command: ['ls'] });
 * ```
 */
export async function createContainer(
  options: ContainerOptions = {},
): Promise<BackendResult<DependencyContainer>> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const child = (options.parent ?? rootContainer).createChildContainer();
  child.registerInstance(TOKENS.Environment, env);
  child.registerInstance(TOKENS.WorkingDirectory, cwd);
  child.registerInstance<Output>(
    TOKENS.Output,
    options.output ?? { stdout: process.stdout, stderr: process.stderr },
  );
  // Lazily: touching process.stdin opens it, which only the shell command needs.
  child.register<Input>(TOKENS.Input, { useFactory: () => options.input ?? process.stdin });
  child.registerInstance<SignalSource>(TOKENS.Signals, options.signals ?? process);

  const loaded = await child.resolve(ConfigLoader).load(options.configPath);
  if (!loaded.ok) return fail(loaded.error);
  child.registerInstance(TOKENS.Config, loaded.value.config);

  const factory = new BackendFactory();
  child.registerInstance(TOKENS.BackendFactory, factory);
  const from = path.resolve(cwd, options.pluginsFrom ?? nonEmpty(env[PLUGINS_FROM_ENV]) ?? APP_MANIFEST);
  const found = await factory.discover({
    from,
    ...(options.importModule === undefined ? {} : { importModule: options.importModule }),
  });
  if (!found.ok) return fail(found.error);
  child.registerInstance(TOKENS.DiscoveryReport, found.value);
  child.registerInstance(TOKENS.PluginsFrom, from);

  child.registerSingleton(BackendProvider);
  return ok(child);
}
