import { backendView } from '../testing/backend-view-fixture';
import { createPrimaryFallbackStrategy } from './primary-fallback';

const context = { random: () => 0.5 };

describe('primary-fallback', () => {
  const strategy = createPrimaryFallbackStrategy();
  const primary = backendView({
    id: 'primary',
    order: 0,
    latency: { count: 5, min: 90, max: 90, mean: 90, p50: 90, p95: 90, p99: 90 },
  });
  const secondary = backendView({ id: 'secondary', order: 1 });
  const tertiary = backendView({ id: 'tertiary', order: 2 });

  it('picks the first configured backend, whatever else looks better', () => {
    expect(strategy.select([tertiary, secondary, primary], context)).toBe(primary);
  });

  it('falls back in configuration order while the primary is out of rotation', () => {
    expect(strategy.select([tertiary, secondary], context)).toBe(secondary);
    expect(strategy.select([tertiary], context)).toBe(tertiary);
    expect(strategy.select([], context)).toBeUndefined();
  });

  it('always answers the same for the same candidates', () => {
    const picks = new Set(Array.from({ length: 20 }, () => strategy.select([secondary, primary], context)));
    expect([...picks]).toEqual([primary]);
  });
});
