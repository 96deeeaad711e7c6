/**
 * `@vth/manager/stats`: the statistics behind A/B experiments, for those who analyse or reproduce them
 * outside a manager: the stable assignment of a user to a variant, and the tests that compare variants.
 * The manager's reports (`ExperimentReport`, `VariantComparison`) come from the main entry.
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
