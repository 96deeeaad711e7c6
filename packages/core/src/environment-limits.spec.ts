import {
  callSchemas,
  createSessionOptionsSchema,
  environmentBytes,
  envSchema,
  inputDataSchema,
  LIMITS,
} from './schemas';
import { parseInput } from './validation';

function issues(r: ReturnType<typeof parseInput>): string[] {
  return r.ok ? [] : (r.error.details?.['issues'] as string[]);
}

describe('environment limits (what execve accepts)', () => {
  it('counts NAME=value and its NUL for each variable', () => {
    expect(environmentBytes({})).toBe(0);
    expect(environmentBytes({ A: 'b', LANG: 'é' })).toBe(1 + 1 + 2 + (4 + 2 + 2));
  });

  it('refuses more variables than the limit, with one message', () => {
    const env = Object.fromEntries(Array.from({ length: LIMITS.envEntries + 1 }, (_, i) => [`V${i}`, '']));
    expect(issues(parseInput(envSchema, env, 'env'))).toEqual([
      `env: at most ${LIMITS.envEntries} variables`,
    ]);
  });

  it('names a variable larger than one execve string can hold', () => {
    const big = 'x'.repeat(LIMITS.envEntryBytes);
    expect(issues(parseInput(envSchema, { OK: 'y', HUGE: big }, 'env'))).toEqual([
      `env.HUGE: "HUGE=..." is ${LIMITS.envEntryBytes + 5} bytes; one variable can hold at most ` +
        `${LIMITS.envEntryBytes} (Linux's MAX_ARG_STRLEN)`,
    ]);
  });

  it('refuses an environment whose total exceeds ARG_MAX although each variable fits', () => {
    const value = 'x'.repeat(100 * 1024);
    const env = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`V${i}`, value]));
    const found = issues(parseInput(envSchema, env, 'env'));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^env: is \d+ bytes; an environment can hold at most 2097152 bytes/);
    expect(parseInput(envSchema, { ...env, V20: undefined }, 'env').ok).toBe(false);
    delete env['V20'];
    expect(parseInput(envSchema, env, 'env').ok).toBe(true);
  });

  it('refuses NUL in a value and bad names', () => {
    expect(issues(parseInput(envSchema, { A: 'x\0y' }, 'env'))).toEqual([
      'env.A: must not contain NUL bytes',
    ]);
    expect(parseInput(envSchema, { '1A': 'x' }, 'env').ok).toBe(false);
  });
});

describe('session option limits', () => {
  it('refuses more labels than the limit', () => {
    const labels = Object.fromEntries(
      Array.from({ length: LIMITS.labelEntries + 1 }, (_, i) => [`l${i}`, 'v']),
    );
    expect(issues(parseInput(createSessionOptionsSchema, { labels }, 'options'))).toEqual([
      `options.labels: at most ${LIMITS.labelEntries} labels`,
    ]);
  });

  it('refuses a cwd or shell holding NUL', () => {
    expect(
      issues(parseInput(createSessionOptionsSchema, { cwd: '/tmp\0x', shell: 'ba\0sh' }, 'options')),
    ).toEqual(['options.cwd: must not contain NUL bytes', 'options.shell: must not contain NUL bytes']);
  });
});

describe('call schemas', () => {
  it('bound sendInput data by bytes, not characters', () => {
    expect(parseInput(inputDataSchema(4), 'abcd', 'data').ok).toBe(true);
    expect(issues(parseInput(inputDataSchema(4), 'abcé', 'data'))).toEqual(['data: must be at most 4 bytes']);
    expect(issues(parseInput(inputDataSchema(), 1, 'data'))).toEqual(['data: must be a string']);
  });

  it("apply a backend's maxCommandBytes to each command of a batch, and cap the batch", () => {
    const schemas = callSchemas(5);
    expect(parseInput(schemas.command, 'ls', 'command').ok).toBe(true);
    expect(issues(parseInput(schemas.commands, ['ls', 'echo hi'], 'commands'))).toEqual([
      'commands[1]: is 7 bytes; the limit is 5',
    ]);
    expect(
      parseInput(
        schemas.commands,
        Array.from({ length: 10_001 }, () => 'ls'),
        'commands',
      ).ok,
    ).toBe(false);
    expect(parseInput(schemas.input, 'x'.repeat(100), 'data').ok).toBe(true);
  });
});
