import { CommandHistory } from './command-history';

describe('CommandHistory', () => {
  it('keeps the last `capacity` entries, oldest first', () => {
    const h = new CommandHistory<number>(3);
    expect(h.recent()).toEqual([]);
    for (let i = 1; i <= 7; i++) h.push(i);
    expect(h.length).toBe(3);
    expect(h.recent()).toEqual([5, 6, 7]);
  });

  it('returns the newest `limit` entries', () => {
    const h = new CommandHistory<string>(5);
    for (const s of ['a', 'b', 'c', 'd', 'e', 'f']) h.push(s);
    expect(h.recent(2)).toEqual(['e', 'f']);
    expect(h.recent(0)).toEqual([]);
    expect(h.recent(99)).toEqual(['b', 'c', 'd', 'e', 'f']);
  });

  it('clears', () => {
    const h = new CommandHistory<number>(2);
    h.push(1);
    h.clear();
    h.push(2);
    expect(h.recent()).toEqual([2]);
  });

  it('refuses a capacity below 1', () => {
    expect(() => new CommandHistory(0)).toThrow(RangeError);
  });
});
