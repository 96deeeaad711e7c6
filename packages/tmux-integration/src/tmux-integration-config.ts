import { LIMITS, parseInput, type BackendResult, type ITerminalBackend } from '@vth/core';
import { type BackendFactory, PLUGIN_TYPE_PATTERN } from '@vth/factory';
import { BUILT_IN_STRATEGIES } from '@vth/manager';
import { z } from 'zod';
import { PERFORMANCE_MODE_DEFAULTS, PERFORMANCE_MODES, type PerformanceMode } from './performance-modes';

/** How the integration's `BackendManager` chooses a backend for each new session (see `@vth/manager`). */
export const BACKEND_SELECTION_STRATEGIES = BUILT_IN_STRATEGIES;

export type BackendSelectionStrategy = (typeof BACKEND_SELECTION_STRATEGIES)[number];

/** The backend type tried first. */
export const PRIMARY_BACKEND = 'tmux';

/**
 * Options of `new TmuxIntegration(config)`. The first five are those of the legacy tmux integration; the rest
 * are new and optional.
 */
export interface TmuxIntegrationConfig {
  /** The tmux server socket, passed to the tmux backend as its `socketPath`. */
  socketPath?: string;
  /** Default 'balanced'. Sets the defaults of `commandTimeout` and `captureBufferSize`; see the README. */
  performanceMode?: PerformanceMode;
  /** Milliseconds a command may run before it ends 'timed-out'. Default by mode: 10 000 / 30 000 / 120 000. */
  commandTimeout?: number;
  /** Lines `getOutput` and `capturePane` return at most. Default by mode: 1000 / 5000 / 20 000. */
  captureBufferSize?: number;
  /** Sessions this integration may hold open at once; more are refused with `BUSY`. Default: no limit of its own. */
  maxSessions?: number;
  /** Default 'primary-fallback'. See `BACKEND_SELECTION_STRATEGIES`. */
  backendSelectionStrategy?: BackendSelectionStrategy;
  /** Backend types tried, in order, when tmux cannot be created (e.g. `['node-pty']`). Default none. */
  fallbackBackends?: string[];
  /**
   * Default false. `true`: an A/B experiment over tmux and the `fallbackBackends` (one variant each, equal
   * weights, users by `createSession`'s `userId`); its report is in `getPerformanceMetrics().experiment`.
   */
  enableABTesting?: boolean;
  /** Extra config per backend type, validated by that backend's plugin: `{ 'node-pty': { shell: 'zsh' } }`. */
  backendConfigs?: Record<string, Record<string, unknown>>;
  /**
   * A ready (initialized) backend to use instead of creating one, e.g. a `BackendManager`. The options that
   * choose and configure a backend (socketPath, backendSelectionStrategy, fallbackBackends, backendConfigs,
   * factory) do not apply and are refused alongside it.
   */
  backend?: ITerminalBackend;
  /** Shut the injected `backend` down in `shutdown()`. Default false: whoever made it shuts it down. */
  ownsBackend?: boolean;
  /**
   * Where backend plugins come from. Default: a new `BackendFactory` with the plugins discovered among the
   * dependencies of the nearest package.json from `process.cwd()`.
   */
  factory?: BackendFactory;
}

/** The config with every default applied. */
export interface ResolvedTmuxIntegrationConfig {
  socketPath?: string;
  performanceMode: PerformanceMode;
  commandTimeout: number;
  captureBufferSize: number;
  maxSessions?: number;
  backendSelectionStrategy: BackendSelectionStrategy;
  fallbackBackends: string[];
  enableABTesting: boolean;
  backendConfigs: Record<string, Record<string, unknown>>;
  backend?: ITerminalBackend;
  ownsBackend: boolean;
  factory?: BackendFactory;
  recreateLostSessions: boolean;
}

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

const configSchema = z
  .strictObject(
    {
      socketPath: z
        .string({ error: 'must be a string' })
        .min(1, 'must not be empty')
        .max(LIMITS.pathLength)
        .refine((s) => !s.includes('\0'), 'must not contain NUL bytes')
        .optional(),
      performanceMode: z
        .enum(PERFORMANCE_MODES, {
          error: `must be one of ${PERFORMANCE_MODES.map((m) => `'${m}'`).join(', ')}`,
        })
        .optional(),
      commandTimeout: z
        .number({ error: 'must be a number of milliseconds' })
        .int('must be an integer')
        .positive('must be positive')
        .max(LIMITS.timeoutMs, `must be at most ${LIMITS.timeoutMs}`)
        .optional(),
      captureBufferSize: z
        .number({ error: 'must be a number of lines' })
        .int('must be an integer')
        .min(1, 'must be at least 1')
        .max(LIMITS.captureLines, `must be at most ${LIMITS.captureLines}`)
        .optional(),
      maxSessions: z
        .number({ error: 'must be a number' })
        .int('must be an integer')
        .min(1, 'must be at least 1')
        .max(100_000, 'must be at most 100000')
        .optional(),
      backendSelectionStrategy: z
        .enum(BACKEND_SELECTION_STRATEGIES, {
          error: `must be one of ${BACKEND_SELECTION_STRATEGIES.map((s) => `'${s}'`).join(', ')}`,
        })
        .optional(),
      fallbackBackends: z
        .array(backendType, { error: 'must be an array of backend types' })
        .max(64, 'must name at most 64 backend types')
        .refine((types) => new Set(types).size === types.length, 'must not name a type twice')
        .refine(
          (types) => !types.includes(PRIMARY_BACKEND),
          `must not name '${PRIMARY_BACKEND}' (always tried first)`,
        )
        .optional(),
      enableABTesting: z.boolean({ error: 'must be a boolean' }).optional(),
      backendConfigs: z
        .record(backendType, z.record(z.string(), z.unknown(), { error: 'must be an object' }), {
          error: 'must be an object keyed by backend type',
        })
        .optional(),
      backend: backendShape.optional(),
      ownsBackend: z.boolean({ error: 'must be a boolean' }).optional(),
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

/**
 * Validates the constructor's config and applies the defaults of its performance mode. `INVALID_CONFIG`
 * names every bad path (`config.performanceMode: must be one of ...`).
 */
export function resolveConfig(config: unknown): BackendResult<ResolvedTmuxIntegrationConfig> {
  const parsed = parseInput(configSchema, config ?? {}, 'config', 'INVALID_CONFIG');
  if (!parsed.ok) return parsed;
  const c = parsed.value;
  const performanceMode = c.performanceMode ?? 'balanced';
  const defaults = PERFORMANCE_MODE_DEFAULTS[performanceMode];
  return {
    ok: true,
    value: {
      ...(c.socketPath === undefined ? {} : { socketPath: c.socketPath }),
      performanceMode,
      commandTimeout: c.commandTimeout ?? defaults.commandTimeout,
      captureBufferSize: c.captureBufferSize ?? defaults.captureBufferSize,
      ...(c.maxSessions === undefined ? {} : { maxSessions: c.maxSessions }),
      backendSelectionStrategy: c.backendSelectionStrategy ?? 'primary-fallback',
      fallbackBackends: c.fallbackBackends ?? [],
      enableABTesting: c.enableABTesting ?? false,
      backendConfigs: c.backendConfigs ?? {},
      ...(c.backend === undefined ? {} : { backend: c.backend }),
      ownsBackend: c.backend === undefined ? true : (c.ownsBackend ?? false),
      ...(c.factory === undefined ? {} : { factory: c.factory }),
      recreateLostSessions: defaults.recreateLostSessions,
    },
  };
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
