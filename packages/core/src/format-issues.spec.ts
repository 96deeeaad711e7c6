import { formatIssues } from './validation';

describe('formatIssues', () => {
  it('writes paths as a person reads them: dots for keys, brackets for indexes', () => {
    expect(
      formatIssues([
        { path: ['commands', 2], message: 'too long' },
        { path: [0, 'name'], message: 'required' },
        { path: [], message: 'must be an object' },
      ]),
    ).toEqual(['commands[2]: too long', '[0].name: required', '(root): must be an object']);
  });

  it('prefixes the root when one is given', () => {
    expect(
      formatIssues(
        [
          { path: [], message: 'bad' },
          { path: ['a'], message: 'bad' },
        ],
        'config',
      ),
    ).toEqual(['config: bad', 'config.a: bad']);
  });

  it('keeps an unrecognized_keys issue without keys as one line', () => {
    expect(formatIssues([{ path: ['x'], message: 'unknown', code: 'unrecognized_keys', keys: [] }])).toEqual([
      'x: unknown',
    ]);
  });
});
