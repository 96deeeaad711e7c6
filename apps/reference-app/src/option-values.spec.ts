import { InvalidArgumentError } from 'commander';
import { duration, envEntry } from './option-values';

describe('duration', () => {
  it.each([
    ['1500', 1500],
    ['1500ms', 1500],
    ['30s', 30_000],
    ['1.5s', 1500],
    ['2m', 120_000],
    ['1h', 3_600_000],
  ])('reads %s as %d ms', (text, ms) => expect(duration(text)).toBe(ms));

  it.each(['', '0', '0s', '-1', '5x', 's', '1e3', '25d', '600h'])('refuses %j', (text) => {
    expect(() => duration(text)).toThrow(InvalidArgumentError);
  });
});

describe('envEntry', () => {
  it('collects repeated KEY=VALUE, keeping "=" in values and empty values', () => {
    const env = ['A=1', 'B=x=y', 'C='].reduce((acc, v) => envEntry(v, acc), {});
    expect(env).toEqual({ A: '1', B: 'x=y', C: '' });
  });

  it.each(['A', '=1', '1A=x', 'A-B=x', 'A B=x', 'A=\0'])('refuses %j', (text) => {
    expect(() => envEntry(text, {})).toThrow(InvalidArgumentError);
  });
});
