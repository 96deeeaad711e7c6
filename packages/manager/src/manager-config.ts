import { sessionIdSchema, type ExecutionContext } from '@vth/core';
import { z } from 'zod';
import { backendSpecSchema } from './backend-spec';
import { flagDuplicates } from './duplicate-names';
import { experimentSpecSchema } from './experiment-config';
import { healthThresholdsSchema } from './health-thresholds';

export { backendSpecSchema, type BackendSpec, type BackendSpecInput } from './backend-spec';

/** Active health checks: a real command in a probe session of each backend. */
export const probeConfigSchema = z.strictObject({
  /** Off: only passive signals (call results) judge a backend. */
  enabled: z.boolean().default(true),
  /** Between two probes of the same backend, ms. */
  intervalMs: z.number().int().min(100, 'must be at least 100 ms').max(86_400_000).default(30_000),
  /** A probe that has not completed after this long fails, ms. */
  timeoutMs: z.number().int().min(10).max(600_000).default(5_000),
  /** Runs in the probe session; it passes when it completes with exit code 0. */
  command: z.string().min(1).max(4096).default('true'),
  /**
   * Who the probes run as (`ExecutionContext.userId`, with `source: 'probe'`): a rate limit per user gives
   * them a bucket of their own, so a flood of anonymous calls cannot starve them, and audit records name
   * them. Choose an id your users cannot have.
   */
  userId: z.string().min(1).max(256).default('vth-probe'),
});

/** Retries of calls that certainly did not reach a shell (`dispatched: false`). */
export const retryConfigSchema = z.strictObject({
  /** Attempts after the first one (0: no retry). */
  maxRetries: z.number().int().min(0).max(10).default(2),
  /** First backoff delay, ms; later delays grow exponentially with decorrelated jitter. */
  initialDelayMs: z.number().int().min(0).max(60_000).default(20),
  /** Longest backoff delay, ms. */
  maxDelayMs: z.number().int().min(0).max(300_000).default(1_000),
});

/** Per-backend circuit breaker: fail fast (and fail over) after consecutive infrastructure failures. */
export const circuitBreakerConfigSchema = z.strictObject({
  /** Opens after this many infrastructure failures in a row. */
  consecutiveFailures: z.number().int().min(1).max(1000).default(5),
  /** A broken circuit lets one trial call through after this long, ms. */
  halfOpenAfterMs: z.number().int().min(10).max(3_600_000).default(10_000),
});

/** What happens to a session whose backend died. */
export const failoverConfigSchema = z.strictObject({
  /** Re-create it on a healthy backend (same id, cwd and env). Off: calls answer the backend's error. */
  enabled: z.boolean().default(true),
  /** Gives up on a migration that has not produced a working session after this long, ms. */
  timeoutMs: z.number().int().min(100).max(600_000).default(30_000),
});

/**
 * The manager's configuration, handed to `initialize` (or to the constructor). Every field but
 * `backends` has a default.
 *
 * @example
 * ```ts
 * await manager.initialize({
 *   backends: [{ type: 'tmux' }, { type: 'node-pty', weight: 2 }],
 *   strategy: 'least-connections',
 *   probe: { intervalMs: 5000 },
 * });
 * ```
 */
export const managerConfigSchema = z
  .strictObject({
    /** Names the manager (its `id`): generated when absent. */
    id: sessionIdSchema.optional(),
    /** The main pool, in order (what `primary-fallback` follows); ids unique. */
    backends: z.array(backendSpecSchema).min(1, 'must name at least one backend').max(256),
    /** A registered strategy name (see `StrategyRegistry`). */
    strategy: z.string().min(1).default('primary-fallback'),
    /** When a backend leaves rotation and comes back ({@link healthThresholdsSchema}). */
    health: healthThresholdsSchema.default(healthThresholdsSchema.parse({})),
    /** Active health checks ({@link probeConfigSchema}). */
    probe: probeConfigSchema.default(probeConfigSchema.parse({})),
    /** Retries of undispatched calls ({@link retryConfigSchema}). */
    retry: retryConfigSchema.default(retryConfigSchema.parse({})),
    /** Per-backend circuit breakers ({@link circuitBreakerConfigSchema}). */
    circuitBreaker: circuitBreakerConfigSchema.default(circuitBreakerConfigSchema.parse({})),
    /** What happens to the sessions of a backend that died ({@link failoverConfigSchema}). */
    failover: failoverConfigSchema.default(failoverConfigSchema.parse({})),
    /** A/B experiments running from the start (more can start, change and stop at run time). */
    experiments: z.array(experimentSpecSchema).max(64).default([]),
  })
  .superRefine((config, ctx) => {
    flagDuplicates(
      ctx,
      config.backends,
      ['backends', 'id'],
      (b) => b.id,
      (id) => `duplicate id "${id}"`,
    );
    flagDuplicates(
      ctx,
      config.experiments,
      ['experiments', 'name'],
      (e) => e.name,
      (name) => `duplicate experiment "${name}"`,
    );
  });

/** The manager's configuration after parsing, every default filled in: what it runs with. */
export type ManagerConfig = z.output<typeof managerConfigSchema>;
/** The configuration as a caller writes it: only `backends` is required. */
export type ManagerConfigInput = z.input<typeof managerConfigSchema>;
/** The `probe` section after parsing. */
export type ProbeConfig = z.output<typeof probeConfigSchema>;

/** The context of a probe's calls: its time limit and its own identity. */
export function probeContext(probe: ProbeConfig): ExecutionContext {
  return { timeoutMs: probe.timeoutMs, userId: probe.userId, source: 'probe' };
}
/** The `retry` section after parsing. */
export type RetryConfig = z.output<typeof retryConfigSchema>;
