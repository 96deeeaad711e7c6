import { type BackendView, type SelectionStrategy } from '../backend-view';
import { backendView } from '../testing/backend-view-fixture';
import { seededRandom } from '../testing/seeded-random';
import { createLeastConnectionsStrategy } from './least-connections';
import { createWeightedRandomStrategy } from './weighted-random';

/**
 * Creates `sessions` sessions one after another: each pick gets one more active session, which the next
 * selection sees (as the manager's views do). Returns the sessions per backend.
 */
function simulate(strategy: SelectionStrategy, weights: number[], sessions: number, seed: number): number[] {
  const random = seededRandom(seed);
  const active = weights.map(() => 0);
  for (let i = 0; i < sessions; i++) {
    const views: BackendView[] = weights.map((weight, order) =>
      backendView({ id: String(order), order, weight, activeSessions: active[order]! }),
    );
    const pick = strategy.select(views, { random });
    active[pick!.order]! += 1;
  }
  return active;
}

function spread(counts: number[]): number {
  return Math.max(...counts) - Math.min(...counts);
}

/**
 * 0.5 % of 1000 sessions. Power of two choices keeps 4 equal backends within a few sessions of each
 * other; a uniform random choice typically spreads about 25 (the range of four Binomial(1000, 1/4) counts).
 */
const MAX_SPREAD = 5;
const SEEDS = [1, 2, 3, 4, 5];

describe('least-connections', () => {
  it('keeps 1000 sessions over 4 equal backends balanced', () => {
    for (const seed of SEEDS) {
      const counts = simulate(createLeastConnectionsStrategy(), [1, 1, 1, 1], 1000, seed);
      expect(counts.reduce((s, n) => s + n, 0)).toBe(1000);
      expect(spread(counts)).toBeLessThanOrEqual(MAX_SPREAD);
    }
  });

  it('uses a bound a random choice does not meet (the check above can fail)', () => {
    for (const seed of SEEDS) {
      const counts = simulate(createWeightedRandomStrategy(), [1, 1, 1, 1], 1000, seed);
      expect(spread(counts)).toBeGreaterThan(MAX_SPREAD);
    }
  });

  it('splits sessions close to 1:3 over weights 1 and 3', () => {
    for (const seed of SEEDS) {
      const [light, heavy] = simulate(createLeastConnectionsStrategy(), [1, 3], 1000, seed);
      expect(Math.abs(light! - 250)).toBeLessThanOrEqual(2);
      expect(light! + heavy!).toBe(1000);
    }
  });

  it('takes the less loaded of the two it draws', () => {
    const strategy = createLeastConnectionsStrategy();
    const busy = backendView({ id: 'busy', order: 0, activeSessions: 5 });
    const idle = backendView({ id: 'idle', order: 1, activeSessions: 0 });
    const random = seededRandom(11);
    for (let i = 0; i < 50; i++) expect(strategy.select([busy, idle], { random })).toBe(idle);
  });

  it('compares sessions per unit of effective weight', () => {
    const strategy = createLeastConnectionsStrategy();
    // 4 sessions on weight 4 (1 per unit) beat 2 sessions on weight 1.
    const big = backendView({ id: 'big', order: 0, weight: 4, activeSessions: 4 });
    const small = backendView({ id: 'small', order: 1, weight: 1, activeSessions: 2 });
    const random = seededRandom(5);
    for (let i = 0; i < 50; i++) expect(strategy.select([big, small], { random })).toBe(big);
  });

  it('never picks a candidate of weight 0 while another weighs more', () => {
    const strategy = createLeastConnectionsStrategy();
    const loaded = backendView({ id: 'loaded', order: 0, activeSessions: 100 });
    const zero = backendView({ id: 'zero', order: 1, effectiveWeight: 0 });
    const random = seededRandom(8);
    for (let i = 0; i < 50; i++) expect(strategy.select([zero, loaded], { random })).toBe(loaded);
  });

  it('returns the only candidate, and undefined for none', () => {
    const strategy = createLeastConnectionsStrategy();
    const only = backendView({ id: 'only', activeSessions: 40 });
    expect(strategy.select([only], { random: () => 0.5 })).toBe(only);
    expect(strategy.select([], { random: () => 0.5 })).toBeUndefined();
  });
});
