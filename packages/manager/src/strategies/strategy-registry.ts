import { fail, ok, type BackendResult } from '@vth/core';
import { type SelectionStrategy } from '../backend-view';
import { createHealthBasedStrategy } from './health-based';
import { createLeastConnectionsStrategy } from './least-connections';
import { createPerformanceBasedStrategy } from './performance-based';
import { createPrimaryFallbackStrategy } from './primary-fallback';
import { createRoundRobinStrategy } from './round-robin';
import { createWeightedRandomStrategy } from './weighted-random';

/** The strategies every registry starts with, in the order `names()` lists them. */
export const BUILT_IN_STRATEGIES = [
  'primary-fallback',
  'performance-based',
  'health-based',
  'round-robin',
  'weighted-random',
  'least-connections',
] as const;

/** One of {@link BUILT_IN_STRATEGIES}: the names every registry knows. */
export type BuiltInStrategyName = (typeof BUILT_IN_STRATEGIES)[number];

/** Makes a fresh strategy: strategies keep state (a round-robin position), so instances are not shared. */
export type SelectionStrategyFactory = () => SelectionStrategy;

/** How `register` treats a name already taken. */
export interface RegisterStrategyOptions {
  /** Replace a strategy already registered under this name, built-in ones included. */
  replace?: boolean;
}

/** Lower-case words joined by hyphens: the names read in configuration files. */
const STRATEGY_NAME = /^[a-z0-9][a-z0-9-]*$/;

const BUILT_IN_FACTORIES: Record<BuiltInStrategyName, SelectionStrategyFactory> = {
  'primary-fallback': createPrimaryFallbackStrategy,
  'performance-based': createPerformanceBasedStrategy,
  'health-based': createHealthBasedStrategy,
  'round-robin': createRoundRobinStrategy,
  'weighted-random': createWeightedRandomStrategy,
  'least-connections': createLeastConnectionsStrategy,
};

function isStrategy(value: unknown): value is SelectionStrategy {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { name?: unknown; select?: unknown };
  return typeof v.name === 'string' && typeof v.select === 'function';
}

/**
 * Selection strategies by name: the six built in, plus any a program registers. Configuration names a
 * strategy; `create` makes a fresh instance for each user of it.
 *
 * @example
 * ```ts
 * const registry = new StrategyRegistry();
 * registry.register('fewest-sessions', () => ({
 *   name: 'fewest-sessions',
 *   select: (candidates) => [...candidates].sort((a, b) => a.activeSessions - b.activeSessions)[0],
 * }));
 * const strategy = registry.create('fewest-sessions');
 * ```
 */
export class StrategyRegistry {
  private readonly factories = new Map<string, SelectionStrategyFactory>(
    BUILT_IN_STRATEGIES.map((name) => [name, BUILT_IN_FACTORIES[name]]),
  );

  /**
   * Adds a strategy under `name`. Refuses (`INVALID_INPUT`, nothing changed) a name outside
   * `/^[a-z0-9][a-z0-9-]*$/`, a factory that is not a function, and a name already taken (built-in or
   * not) unless `{ replace: true }`.
   */
  register(
    name: string,
    factory: SelectionStrategyFactory,
    options: RegisterStrategyOptions = {},
  ): BackendResult<void> {
    if (typeof name !== 'string' || !STRATEGY_NAME.test(name)) {
      return fail(
        'INVALID_INPUT',
        `invalid strategy name ${JSON.stringify(name)}: use lower-case letters, digits and hyphens`,
      );
    }
    if (typeof factory !== 'function') {
      return fail('INVALID_INPUT', `strategy "${name}": the factory must be a function returning a strategy`);
    }
    if (this.factories.has(name) && options.replace !== true) {
      const kind = (BUILT_IN_STRATEGIES as readonly string[]).includes(name) ? 'a built-in' : 'an existing';
      return fail(
        'INVALID_INPUT',
        `strategy "${name}" is ${kind} strategy; pass { replace: true } to replace it`,
      );
    }
    this.factories.set(name, factory);
    return ok();
  }

  /** Whether a strategy is registered under `name` (a config naming another is `INVALID_CONFIG`). */
  has(name: string): boolean {
    return this.factories.has(name);
  }

  /**
   * A fresh instance of the strategy named `name`; `undefined` when no strategy has that name, or when its
   * factory throws or returns something without a `name` and a `select` function (a registered factory is
   * foreign code: it must not crash the manager that configures it).
   */
  create(name: string): SelectionStrategy | undefined {
    const factory = this.factories.get(name);
    if (factory === undefined) return undefined;
    try {
      const strategy: unknown = factory();
      return isStrategy(strategy) ? strategy : undefined;
    } catch {
      return undefined;
    }
  }

  /** Every registered name: the built-in ones first, then the others in the order they were added. */
  names(): string[] {
    return [...this.factories.keys()];
  }
}
