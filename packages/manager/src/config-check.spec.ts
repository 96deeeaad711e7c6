import { checkManagerConfig, type PluginTypes } from './config-check';
import { StrategyRegistry } from './strategies/strategy-registry';

function plugins(...types: string[]): PluginTypes {
  return {
    has: (type: string) => types.includes(type),
    list: () => types.map((type) => ({ type })) as ReturnType<PluginTypes['list']>,
  };
}

function refusal(result: ReturnType<typeof checkManagerConfig>): string {
  if (result.ok) throw new Error('expected a refusal');
  expect(result.error).toMatchObject({ code: 'INVALID_CONFIG', dispatched: false });
  return result.error.message;
}

describe('checkManagerConfig', () => {
  const strategies = new StrategyRegistry();

  it('returns the config with a fresh instance of its strategy', () => {
    const checked = checkManagerConfig({ backends: [{ type: 'fake' }] }, strategies, plugins('fake'));
    expect(checked.ok && checked.value.config.backends.map((b) => b.type)).toEqual(['fake']);
    expect(checked.ok && typeof checked.value.strategy.select).toBe('function');
  });

  it('names every unknown backend type, and the registered ones', () => {
    expect(refusal(checkManagerConfig({ backends: [{ type: 'tmux' }] }, strategies, plugins()))).toBe(
      'invalid manager config: unknown backend type "tmux" (registered: none)',
    );
    expect(
      refusal(
        checkManagerConfig({ backends: [{ type: 'a' }, { type: 'b' }] }, strategies, plugins('fake', 'x')),
      ),
    ).toBe('invalid manager config: unknown backend types "a", "b" (registered: fake, x)');
  });

  it('refuses a strategy whose registered factory does not return a strategy', () => {
    const registry = new StrategyRegistry();
    expect(registry.register('broken', () => null as never).ok).toBe(true);
    expect(registry.create('broken')).toBeUndefined();
    expect(
      refusal(
        checkManagerConfig({ strategy: 'broken', backends: [{ type: 'fake' }] }, registry, plugins('fake')),
      ),
    ).toMatch(/unknown strategy "broken"/);
  });
});
