import { type BackendFactory } from '@vth/factory';
import { type ManagerConfigInput } from './manager-config';
import { type StrategyRegistry } from './strategies/strategy-registry';

/**
 * What a `BackendManager` is made with.
 *
 * @example
 * ```ts
 * const manager = new BackendManager({ factory, config: { backends: [{ type: 'tmux' }] }, random: seededRandom(1) });
 * ```
 */
export interface BackendManagerOptions {
  /** Creates the pool's backends from their plugins. */
  factory: BackendFactory;
  /**
   * The configuration, when `initialize` is called without one (as the conformance suite does). A config
   * given to `initialize` replaces it.
   */
  config?: ManagerConfigInput;
  /** Where strategy names are looked up; a registry of the built-in strategies by default. */
  strategies?: StrategyRegistry;
  /** Uniform in [0, 1): injectable so weighted choices can be tested. Default `Math.random`. */
  random?: () => number;
}
