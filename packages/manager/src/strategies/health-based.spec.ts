import { backendView } from '../testing/backend-view-fixture';
import { createHealthBasedStrategy } from './health-based';

const context = { random: () => 0.5 };

describe('health-based', () => {
  const strategy = createHealthBasedStrategy();

  it('ranks status first: healthy, then degraded, then unhealthy', () => {
    const unhealthy = backendView({ id: 'u', order: 0, status: 'unhealthy' });
    const degraded = backendView({ id: 'd', order: 1, status: 'degraded' });
    const healthy = backendView({ id: 'h', order: 2, status: 'healthy', errorRate: 0.01 });
    expect(strategy.select([unhealthy, degraded, healthy], context)).toBe(healthy);
    expect(strategy.select([unhealthy, degraded], context)).toBe(degraded);
  });

  it('then the lowest error rate', () => {
    const worse = backendView({ id: 'worse', order: 0, status: 'degraded', errorRate: 0.3 });
    const better = backendView({ id: 'better', order: 1, status: 'degraded', errorRate: 0.1 });
    expect(strategy.select([worse, better], context)).toBe(better);
  });

  it('then the fewest consecutive failures', () => {
    const failing = backendView({
      id: 'f',
      order: 0,
      status: 'degraded',
      errorRate: 0.1,
      consecutiveFailures: 3,
    });
    const steadier = backendView({
      id: 's',
      order: 1,
      status: 'degraded',
      errorRate: 0.1,
      consecutiveFailures: 1,
    });
    expect(strategy.select([failing, steadier], context)).toBe(steadier);
  });

  it('then configuration order', () => {
    const first = backendView({ id: 'first', order: 0 });
    const second = backendView({ id: 'second', order: 1 });
    expect(strategy.select([second, first], context)).toBe(first);
    expect(strategy.select([], context)).toBeUndefined();
  });
});
