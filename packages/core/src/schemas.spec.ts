import { z } from 'zod';
import {
  commandSchema,
  createSessionOptionsSchema,
  executionContextSchema,
  sessionIdSchema,
} from './schemas';
import { parseInput } from './validation';

describe('boundary schemas', () => {
  it.each(['a', 'session-1', 'A_b-9', 'x'.repeat(64)])('accepts session id %j', (id) => {
    expect(sessionIdSchema.safeParse(id).success).toBe(true);
  });

  it.each(['', '-a', 'a b', 'a;b', 'a:b', 'a.b', "a'b", 'a\nb', 'x'.repeat(65), 'é', 7, null])(
    'rejects session id %j',
    (id) => {
      expect(sessionIdSchema.safeParse(id).success).toBe(false);
    },
  );

  it('rejects NUL and oversized commands with the byte count in the message', () => {
    const nul = parseInput(commandSchema(), 'echo \0', 'command');
    expect(nul.ok).toBe(false);
    if (!nul.ok) expect(nul.error.message).toContain('NUL');
    const big = parseInput(commandSchema(10), 'echo hello world', 'command');
    expect(big.ok).toBe(false);
    if (!big.ok) {
      expect(big.error.code).toBe('INVALID_INPUT');
      expect(big.error.dispatched).toBe(false);
      expect(big.error.message).toBe('invalid command: command: is 16 bytes; the limit is 10');
    }
    expect(parseInput(commandSchema(), 'printf "\\x01\\x1b"; echo \u0007', 'command').ok).toBe(true);
  });

  it('names every offending path of a session options object', () => {
    const r = parseInput(
      createSessionOptionsSchema,
      { cols: 0, env: { 'BAD NAME': 'x', OK: 'y' }, cwd: '' },
      'options',
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      const issues = r.error.details?.['issues'] as string[];
      expect(issues).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^options\.cols: /),
          expect.stringMatching(/^options\.env\.BAD NAME: /),
          expect.stringMatching(/^options\.cwd: /),
        ]),
      );
    }
  });

  it('names each unknown key of a strict object at its own path', () => {
    const strict = z.strictObject({ shell: z.string().optional() });
    const r = parseInput(strict, { shel: 'bash', colour: 1 }, 'config', 'INVALID_CONFIG');
    expect(!r.ok && r.error.details?.['issues']).toEqual([
      'config.shel: unknown key',
      'config.colour: unknown key',
    ]);
  });

  it('validates execution contexts, including signal and callback shapes', () => {
    const controller = new AbortController();
    expect(
      executionContextSchema.safeParse({
        timeoutMs: 10,
        signal: controller.signal,
        onOutput: () => undefined,
      }).success,
    ).toBe(true);
    expect(executionContextSchema.safeParse({ timeoutMs: -1 }).success).toBe(false);
    expect(executionContextSchema.safeParse({ timeoutMs: 2 ** 31 }).success).toBe(false);
    expect(executionContextSchema.safeParse({ signal: {} }).success).toBe(false);
    expect(executionContextSchema.safeParse({ onOutput: 'x' }).success).toBe(false);
    expect(executionContextSchema.safeParse({ maxOutputBytes: 1.5 }).success).toBe(false);
  });
});
