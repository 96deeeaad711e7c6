import { LIMITS, type BackendResult, type ITerminalBackend } from '@vth/core';
import { parseInput } from '@vth/core/kit';
import { type BackendFactory, PLUGIN_TYPE_PATTERN } from '@vth/factory';
import { BUILT_IN_STRATEGIES } from '@vth/manager';
import { z } from 'zod';
import { PERFORMANCE_MODE_DEFAULTS, PERFORMANCE_MODES } from './performance-modes';

/** How the integration's `BackendManager` chooses a backend for each new session (see `@vth/manager`). */
export const BACKEND_SELECTION_STRATEGIES = BUILT_IN_STRATEGIES;

/** One of {@link BACKEND_SELECTION_STRATEGIES}: the `backendSelectionStrategy` option. */
export type BackendSelectionStrategy = (typeof BACKEND_SELECTION_STRATEGIES)[number];

/** The backend type tried first. */
export const PRIMARY_BACKEND = 'tmux';

const BACKEND_METHODS = [
  'createSession',
  'destroySession',
  'listSessions',
  'executeCommand',
  'executeBatch',
  'sendInput',
  'interrupt',
  'capture',
  'resize',
  'getHealth',
  'getMetrics',
  'shutdown',
  'on',
  'off',
] as const;

const backendShape = z.custom<ITerminalBackend>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { type?: unknown }).type === 'string' &&
    BACKEND_METHODS.every((m) => typeof (v as Record<string, unknown>)[m] === 'function'),
  'must be an ITerminalBackend (an object with type, createSession, executeCommand, ..., shutdown)',
);

const FACTORY_METHODS = ['create', 'has', 'get', 'list'] as const;

const factoryShape = z.custom<BackendFactory>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    FACTORY_METHODS.every((m) => typeof (v as Record<string, unknown>)[m] === 'function'),
  'must be a BackendFactory (an object with create, has, get and list)',
);

const backendType = z
  .string({ error: 'must be a string' })
  .regex(PLUGIN_TYPE_PATTERN, 'must be a backend type (lowercase letters, digits, ".", "_", "-")');

const NOT_WITH_BACKEND = [
  'socketPath',
  'backendSelectionStrategy',
  'fallbackBackends',
  'enableABTesting',
  'backendConfigs',
  'factory',
] as const;

/**
 * Options of `new TmuxIntegration(config)`: the one declaration, whose types the integration derives (the
 * options as given, `TmuxIntegrationConfig`; the options in effect, `ResolvedTmuxIntegrationConfig`). The
 * first five are those of the legacy tmux integration; the rest are new and optional.
 */
const configSchema = z
  .strictObject(
    {
      /** The tmux server socket, passed to the tmux backend as its `socketPath`. */
      socketPath: z
        .string({ error: 'must be a string' })
        .min(1, 'must not be empty')
        .max(LIMITS.pathLength)
        .refine((s) => !s.includes('\0'), 'must not contain NUL bytes')
        .optional(),
      /** Default 'balanced'. Sets the defaults of `commandTimeout` and `captureBufferSize`; see the README. */
      performanceMode: z
        .enum(PERFORMANCE_MODES, {
          error: `must be one of ${PERFORMANCE_MODES.map((m) => `'${m}'`).join(', ')}`,
        })
        .optional(),
      /** Milliseconds a command may run before it ends 'timed-out'. Default by mode: 10 000 / 30 000 / 120 000. */
      commandTimeout: z
        .number({ error: 'must be a number of milliseconds' })
        .int('must be an integer')
        .positive('must be positive')
        .max(LIMITS.timeoutMs, `must be at most ${LIMITS.timeoutMs}`)
        .optional(),
      /** Lines `getOutput` and `capturePane` return at most. Default by mode: 1000 / 5000 / 20 000. */
      captureBufferSize: z
        .number({ error: 'must be a number of lines' })
        .int('must be an integer')
        .min(1, 'must be at least 1')
        .max(LIMITS.captureLines, `must be at most ${LIMITS.captureLines}`)
        .optional(),
      /** Sessions this integration may hold open at once; more are refused with `BUSY`. Default: no limit of its own. */
      maxSessions: z
        .number({ error: 'must be a number' })
        .int('must be an integer')
        .min(1, 'must be at least 1')
        .max(100_000, 'must be at most 100000')
        .optional(),
      /** Default 'primary-fallback'. See `BACKEND_SELECTION_STRATEGIES`. */
      backendSelectionStrategy: z
        .enum(BACKEND_SELECTION_STRATEGIES, {
          error: `must be one of ${BACKEND_SELECTION_STRATEGIES.map((s) => `'${s}'`).join(', ')}`,
        })
        .optional(),
      /** Backend types tried, in order, when tmux cannot be created (e.g. `['node-pty']`). Default none. */
      fallbackBackends: z
        .array(backendType, { error: 'must be an array of backend types' })
        .max(64, 'must name at most 64 backend types')
        .refine((types) => new Set(types).size === types.length, 'must not name a type twice')
        .refine(
          (types) => !types.includes(PRIMARY_BACKEND),
          `must not name '${PRIMARY_BACKEND}' (always tried first)`,
        )
        .optional(),
      /**
       * Default false. `true`: an A/B experiment over tmux and the `fallbackBackends` (one variant each, equal
       * weights, users by `createSession`'s `userId`); its report is in `getPerformanceMetrics().experiment`.
       */
      enableABTesting: z.boolean({ error: 'must be a boolean' }).optional(),
      /** Extra config per backend type, validated by that backend's plugin: `{ 'node-pty': { shell: 'zsh' } }`. */
      backendConfigs: z
        .record(backendType, z.record(z.string(), z.unknown(), { error: 'must be an object' }), {
          error: 'must be an object keyed by backend type',
        })
        .optional(),
      /**
       * A ready (initialized) backend to use instead of creating one, e.g. a `BackendManager`. The options that
       * choose and configure a backend (socketPath, backendSelectionStrategy, fallbackBackends, backendConfigs,
       * factory) do not apply and are refused alongside it.
       */
      backend: backendShape.optional(),
      /** Shut the injected `backend` down in `shutdown()`. Default false: whoever made it shuts it down. */
      ownsBackend: z.boolean({ error: 'must be a boolean' }).optional(),
      /**
       * Where backend plugins come from. Default: a new `BackendFactory` with the plugins discovered among the
       * dependencies of the nearest package.json from `process.cwd()`.
       */
      factory: factoryShape.optional(),
    },
    { error: 'must be an object' },
  )
  .superRefine((c, ctx) => {
    if (c.backend !== undefined) {
      for (const key of NOT_WITH_BACKEND) {
        if (c[key] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: 'does not apply to an injected backend (configure that backend itself)',
          });
        }
      }
    } else if (c.ownsBackend !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['ownsBackend'],
        message: 'only applies with config.backend (a backend the integration creates is always its own)',
      });
    }
    const tmuxConfig = c.backendConfigs?.[PRIMARY_BACKEND];
    if (c.socketPath !== undefined && tmuxConfig !== undefined && 'socketPath' in tmuxConfig) {
      ctx.addIssue({
        code: 'custom',
        path: ['socketPath'],
        message: `conflicts with config.backendConfigs.${PRIMARY_BACKEND}.socketPath (give one of them)`,
      });
    }
  });

/** The config with every default applied: those of its performance mode, then the others. */
const resolvedConfigSchema = configSchema.transform((c) => {
  const performanceMode = c.performanceMode ?? 'balanced';
  const defaults = PERFORMANCE_MODE_DEFAULTS[performanceMode];
  return {
    ...c,
    performanceMode,
    commandTimeout: c.commandTimeout ?? defaults.commandTimeout,
    captureBufferSize: c.captureBufferSize ?? defaults.captureBufferSize,
    backendSelectionStrategy: c.backendSelectionStrategy ?? ('primary-fallback' as const),
    fallbackBackends: c.fallbackBackends ?? [],
    enableABTesting: c.enableABTesting ?? false,
    backendConfigs: c.backendConfigs ?? {},
    ownsBackend: c.backend === undefined ? true : (c.ownsBackend ?? false),
    /**
     * 'reliability' mode: an injected backend's lost sessions are re-created too (the integration's own
     * manager does so in every mode), each announced with `session-created`.
     */
    recreateLostSessions: defaults.recreateLostSessions,
  };
});

/** Options of `new TmuxIntegration(config)`, as given (see `configSchema` for each). */
export type TmuxIntegrationConfig = z.input<typeof configSchema>;

/** The config with every default applied. */
export type ResolvedTmuxIntegrationConfig = z.output<typeof resolvedConfigSchema>;

/** The settings in effect, defaults applied. */
export type TmuxIntegrationSettings = Pick<
  ResolvedTmuxIntegrationConfig,
  | 'performanceMode'
  | 'commandTimeout'
  | 'captureBufferSize'
  | 'maxSessions'
  | 'backendSelectionStrategy'
  | 'fallbackBackends'
  | 'enableABTesting'
  | 'recreateLostSessions'
>;

/** What `integration.settings` shows: a copy of the settings in effect. */
export function settingsOf(c: ResolvedTmuxIntegrationConfig): TmuxIntegrationSettings {
  return {
    performanceMode: c.performanceMode,
    commandTimeout: c.commandTimeout,
    captureBufferSize: c.captureBufferSize,
    ...(c.maxSessions === undefined ? {} : { maxSessions: c.maxSessions }),
    backendSelectionStrategy: c.backendSelectionStrategy,
    fallbackBackends: [...c.fallbackBackends],
    enableABTesting: c.enableABTesting,
    recreateLostSessions: c.recreateLostSessions,
  };
}

/**
 * Validates the constructor's config and applies the defaults of its performance mode. `INVALID_CONFIG`
 * names every bad path (`config.performanceMode: must be one of ...`).
 */
export function resolveConfig(config: unknown): BackendResult<ResolvedTmuxIntegrationConfig> {
  return parseInput(resolvedConfigSchema, config ?? {}, 'config', 'INVALID_CONFIG');
}

/** The backend types to try, in order, and the config of each: tmux first, with `socketPath` when given. */
export function backendPlan(config: ResolvedTmuxIntegrationConfig): {
  types: string[];
  configs: Record<string, Record<string, unknown>>;
} {
  const configs: Record<string, Record<string, unknown>> = { ...config.backendConfigs };
  if (config.socketPath !== undefined) {
    configs[PRIMARY_BACKEND] = { ...configs[PRIMARY_BACKEND], socketPath: config.socketPath };
  }
  return { types: [PRIMARY_BACKEND, ...config.fallbackBackends], configs };
}
