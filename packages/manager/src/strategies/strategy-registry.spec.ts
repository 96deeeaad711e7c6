import { type SelectionStrategy } from '../backend-view';
import { backendView } from '../testing/backend-view-fixture';
import { BUILT_IN_STRATEGIES, StrategyRegistry } from './strategy-registry';

const fewest: SelectionStrategy = {
  name: 'fewest-sessions',
  select: (candidates) => [...candidates].sort((a, b) => a.activeSessions - b.activeSessions)[0],
};

describe('StrategyRegistry', () => {
  it('starts with the six built-in strategies, each named as registered', () => {
    const registry = new StrategyRegistry();
    expect(registry.names()).toEqual([...BUILT_IN_STRATEGIES]);
    expect(BUILT_IN_STRATEGIES).toHaveLength(6);
    for (const name of BUILT_IN_STRATEGIES) {
      expect(registry.has(name)).toBe(true);
      expect(registry.create(name)?.name).toBe(name);
    }
  });

  it('creates a fresh instance each time, so state is not shared', () => {
    const registry = new StrategyRegistry();
    const a = backendView({ id: 'a', order: 0 });
    const b = backendView({ id: 'b', order: 1 });
    const first = registry.create('round-robin')!;
    const second = registry.create('round-robin')!;
    expect(first).not.toBe(second);
    expect(first.select([a, b], { random: Math.random })).toBe(a);
    expect(second.select([a, b], { random: Math.random })).toBe(a);
  });

  it('registers a strategy under a new name', () => {
    const registry = new StrategyRegistry();
    expect(registry.register('fewest-sessions', () => fewest)).toEqual({ ok: true, value: undefined });
    expect(registry.has('fewest-sessions')).toBe(true);
    expect(registry.create('fewest-sessions')).toBe(fewest);
    expect(registry.names()).toEqual([...BUILT_IN_STRATEGIES, 'fewest-sessions']);
  });

  it('refuses to replace a built-in or an existing strategy unless asked to', () => {
    const registry = new StrategyRegistry();
    const builtIn = registry.register('round-robin', () => fewest);
    expect(!builtIn.ok && builtIn.error).toMatchObject({ code: 'INVALID_INPUT', dispatched: false });
    expect(!builtIn.ok && builtIn.error.message).toMatch(/built-in/);
    expect(registry.create('round-robin')?.name).toBe('round-robin');

    registry.register('fewest-sessions', () => fewest);
    const other: SelectionStrategy = { name: 'other', select: () => undefined };
    const existing = registry.register('fewest-sessions', () => other);
    expect(!existing.ok && existing.error.code).toBe('INVALID_INPUT');
    expect(registry.create('fewest-sessions')).toBe(fewest);

    expect(registry.register('fewest-sessions', () => other, { replace: true }).ok).toBe(true);
    expect(registry.create('fewest-sessions')).toBe(other);
    expect(registry.register('round-robin', () => fewest, { replace: true }).ok).toBe(true);
    expect(registry.create('round-robin')).toBe(fewest);
  });

  it('accepts only lower-case names made of letters, digits and hyphens', () => {
    const registry = new StrategyRegistry();
    for (const bad of ['', 'Fewest', '-lead', 'with space', 'under_score', 'dot.name']) {
      const result = registry.register(bad, () => fewest);
      expect(!result.ok && result.error.code).toBe('INVALID_INPUT');
      expect(registry.has(bad)).toBe(false);
    }
    for (const good of ['a', '9-lives', 'p2c-v2-']) {
      expect(registry.register(good, () => fewest).ok).toBe(true);
    }
  });

  it('refuses a factory that is not a function', () => {
    const registry = new StrategyRegistry();
    const result = registry.register('broken', fewest as unknown as () => SelectionStrategy);
    expect(!result.ok && result.error.code).toBe('INVALID_INPUT');
    expect(registry.has('broken')).toBe(false);
  });

  it('creates nothing for an unknown name or a factory that throws or returns a non-strategy', () => {
    const registry = new StrategyRegistry();
    expect(registry.has('nope')).toBe(false);
    expect(registry.create('nope')).toBeUndefined();
    registry.register('throws', () => {
      throw new Error('boom');
    });
    registry.register('shapeless', () => ({ name: 'shapeless' }) as unknown as SelectionStrategy);
    expect(registry.create('throws')).toBeUndefined();
    expect(registry.create('shapeless')).toBeUndefined();
  });
});
