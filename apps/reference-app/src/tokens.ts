/**
 * DI tokens of the reference app. `Symbol.for` so that two copies of this module (a test and the CLI, say)
 * still agree on every key.
 */
export const TOKENS = {
  /** The validated `AppConfig`. */
  Config: Symbol.for('vth.Config'),
  /** The `BackendFactory` holding the discovered plugins. */
  BackendFactory: Symbol.for('vth.BackendFactory'),
  /** The factory's `DiscoveryReport`: plugins found, packages that failed to load. */
  DiscoveryReport: Symbol.for('vth.DiscoveryReport'),
  /** `Output`: where stdout and stderr go, so tests can capture them. */
  Output: Symbol.for('vth.Output'),
  /** `Input`: where the shell command reads its lines. */
  Input: Symbol.for('vth.Input'),
  /** `SignalSource`: where SIGINT and SIGTERM come from (the process). */
  Signals: Symbol.for('vth.Signals'),
  /** The package.json plugins were discovered from (a string). */
  PluginsFrom: Symbol.for('vth.PluginsFrom'),
  /** The environment variables the config is read from. */
  Environment: Symbol.for('vth.Environment'),
  /** The directory relative paths are resolved against. */
  WorkingDirectory: Symbol.for('vth.WorkingDirectory'),
} as const;
