import { type BackendView } from '../backend-view';
import { backendView } from '../testing/backend-view-fixture';
import { seededRandom } from '../testing/seeded-random';
import { createWeightedRandomStrategy } from './weighted-random';
import { chiSquare } from '../testing/chi-square';

/** Critical value of the chi-square distribution with 2 degrees of freedom at p = 0.001. */
const CHI_SQUARE_2DF_P001 = 13.82;

function countPicks(candidates: BackendView[], picks: number, seed: number): number[] {
  const strategy = createWeightedRandomStrategy();
  const random = seededRandom(seed);
  const counts = candidates.map(() => 0);
  for (let i = 0; i < picks; i++) {
    const pick = strategy.select(candidates, { random });
    counts[candidates.indexOf(pick!)]! += 1;
  }
  return counts;
}

describe('weighted-random', () => {
  const weighted = [
    backendView({ id: 'a', order: 0, weight: 1 }),
    backendView({ id: 'b', order: 1, weight: 2 }),
    backendView({ id: 'c', order: 2, weight: 7 }),
  ];

  it('picks in proportion to the weights (chi-square goodness of fit, p = 0.001)', () => {
    const counts = countPicks(weighted, 20_000, 12345);
    expect(chiSquare(counts, [1, 2, 7])).toBeLessThan(CHI_SQUARE_2DF_P001);
  });

  it('is told apart from a close but wrong distribution by the same test', () => {
    const counts = countPicks(weighted, 20_000, 12345);
    expect(chiSquare(counts, [1, 2, 6])).toBeGreaterThan(CHI_SQUARE_2DF_P001);
    expect(chiSquare(counts, [1, 1, 1])).toBeGreaterThan(CHI_SQUARE_2DF_P001);
  });

  it('follows the effective weight (slow start), not the configured one', () => {
    const warming = backendView({ id: 'w', order: 0, weight: 9, effectiveWeight: 1 });
    const steady = backendView({ id: 's', order: 1, weight: 1 });
    const counts = countPicks([warming, steady], 20_000, 7);
    expect(chiSquare(counts, [1, 1])).toBeLessThan(CHI_SQUARE_2DF_P001);
  });

  it('never picks a candidate of weight 0 while another weighs more', () => {
    const zero = backendView({ id: 'z', order: 0, weight: 1, effectiveWeight: 0 });
    const one = backendView({ id: 'o', order: 1 });
    expect(countPicks([zero, one], 2_000, 3)).toEqual([0, 2_000]);
  });

  it('picks uniformly when every candidate weighs 0', () => {
    const zeros = ['x', 'y', 'z'].map((id, order) => backendView({ id, order, effectiveWeight: 0 }));
    const counts = countPicks(zeros, 20_000, 99);
    expect(chiSquare(counts, [1, 1, 1])).toBeLessThan(CHI_SQUARE_2DF_P001);
  });

  it('stays within the list at the edges of the random range, and returns undefined for none', () => {
    const strategy = createWeightedRandomStrategy();
    expect(strategy.select(weighted, { random: () => 0 })?.id).toBe('a');
    expect(strategy.select(weighted, { random: () => 0.999_999_999 })?.id).toBe('c');
    expect(strategy.select([], { random: () => 0.5 })).toBeUndefined();
  });
});
