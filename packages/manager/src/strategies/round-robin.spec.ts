import { type SelectionContext } from '../backend-view';
import { backendView } from '../testing/backend-view-fixture';
import { createRoundRobinStrategy } from './round-robin';

const context: SelectionContext = { random: () => 0 };
const a = backendView({ id: 'a', order: 0 });
const b = backendView({ id: 'b', order: 1 });
const c = backendView({ id: 'c', order: 2 });

describe('round-robin', () => {
  it('cycles over the candidates in configuration order, exactly, for 300 picks', () => {
    const strategy = createRoundRobinStrategy();
    // Given out of order: the rotation follows `order`, not the list.
    const picks = Array.from({ length: 300 }, () => strategy.select([c, a, b], context)?.id);
    expect(picks).toEqual(Array.from({ length: 300 }, (_, i) => ['a', 'b', 'c'][i % 3]));
  });

  it('keeps rotating over the rest when a backend leaves, and takes it back in when it returns', () => {
    const strategy = createRoundRobinStrategy();
    for (let i = 0; i < 300; i++) strategy.select([a, b, c], context);
    const without = Array.from({ length: 100 }, () => strategy.select([a, c], context)?.id);
    // The counter stands at 300, an even number: the two left alternate from the first.
    expect(without).toEqual(Array.from({ length: 100 }, (_, i) => ['a', 'c'][i % 2]));
    expect(without.filter((id) => id === 'b')).toHaveLength(0);
    const back = Array.from({ length: 9 }, () => strategy.select([a, b, c], context)?.id);
    // 400 % 3 = 1: the rotation resumes at b.
    expect(back).toEqual(['b', 'c', 'a', 'b', 'c', 'a', 'b', 'c', 'a']);
  });

  it('returns undefined without candidates and does not advance', () => {
    const strategy = createRoundRobinStrategy();
    expect(strategy.select([], context)).toBeUndefined();
    expect(strategy.select([a, b], context)).toBe(a);
  });

  it('keeps one position per instance', () => {
    const first = createRoundRobinStrategy();
    const second = createRoundRobinStrategy();
    expect(first.select([a, b], context)).toBe(a);
    expect(first.select([a, b], context)).toBe(b);
    expect(second.select([a, b], context)).toBe(a);
  });
});
