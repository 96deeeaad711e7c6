/**
 * `@vth/manager/stats`: the statistics behind A/B experiments, for those who analyse or reproduce them
 * outside a manager: the stable assignment of a user to a variant, and the tests that compare variants.
 * The manager's reports (`ExperimentReport`, `VariantComparison`) come from the main entry.
 *
 * @example
 * ```ts
 * import { assignVariant, twoProportionTest } from '@vth/manager/stats';
 * assignVariant('pty-rollout', 'user-42', [{ name: 'tmux', weight: 95 }, { name: 'pty', weight: 5 }]);
 * twoProportionTest(10, 1000, 41, 1000).pValue; // about 1e-5: B fails more often
 * ```
 *
 * @module @vth/manager/stats
 */
export { assignVariant, inTraffic, stableUnit, type WeightedVariant } from '../experiments/assignment';
export {
  compareVariant,
  compareExperiment,
  mannWhitney,
  twoProportionTest,
  type ArmData,
  type CompareOptions,
  type ProportionTest,
  type RankTest,
} from '../experiments/compare';
