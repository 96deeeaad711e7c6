import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { ansiCQuote, literalTerminalInput, posixPieces, unquoteShellWord } from './shell-quote';

const bash = (script: string, input?: Buffer) =>
  execFileSync('bash', ['--norc', '--noprofile', '-c', script], {
    input,
    env: { PATH: process.env['PATH'] ?? '', LC_ALL: 'C' },
  });

/** Text without NUL (no shell string can hold one), biased towards what breaks quoting. */
const hostile = fc.string({
  unit: fc.oneof(
    fc.constantFrom(
      "'",
      '"',
      '\\',
      '$',
      '`',
      ';',
      '\n',
      '\r',
      '\t',
      '\x03',
      '\x04',
      '\x1b',
      '\x7f',
      '!',
      '%',
      ' ',
    ),
    fc
      .integer({ min: 1, max: 0x10ffff })
      .filter((c) => c < 0xd800 || c > 0xdfff)
      .map((c) => String.fromCodePoint(c)),
  ),
  maxLength: 40,
});

describe('ansiCQuote', () => {
  it('is pure printable ASCII whatever the text', () => {
    fc.assert(fc.property(hostile, (s) => expect(ansiCQuote(s)).toMatch(/^\$'[\x20-\x7e]*'$/)));
  });

  it('makes bash print the exact bytes back (real bash)', () => {
    const samples = fc.sample(hostile, 60);
    // One bash process for all samples: each printed between separators we can split on.
    const script = samples.map((s) => `printf '%s\\x00' ${ansiCQuote(s)}`).join('\n');
    const printed = bash(script).toString('utf8').split('\0').slice(0, -1);
    expect(printed).toEqual(samples);
  });
});

describe('unquoteShellWord', () => {
  it("reverses bash's printf %q for arbitrary bytes (real bash, C locale)", () => {
    const samples = fc.sample(
      fc.uint8Array({ minLength: 0, maxLength: 30 }).map((a) => a.filter((b) => b !== 0)),
      80,
    );
    // Raw bytes through stdin, length-prefixed (a value may hold newlines).
    const input = Buffer.concat(
      samples.map((a) => Buffer.concat([Buffer.from(`${a.length}\n`), Buffer.from(a)])),
    );
    const script = 'while read -r n; do LC_ALL=C read -r -N "$n" v; printf "%q\\n" "$v"; done';
    const quoted = bash(script, input).toString('latin1').split('\n').slice(0, -1);
    expect(quoted).toHaveLength(samples.length);
    quoted.forEach((q, i) => expect([...unquoteShellWord(q)]).toEqual([...samples[i]!]));
  });

  it('handles the quoting forms by hand', () => {
    expect(unquoteShellWord("''").toString()).toBe('');
    expect(unquoteShellWord('/tmp/a\\ b\\;c').toString()).toBe('/tmp/a b;c');
    expect(unquoteShellWord("$'a\\nb\\x41\\101\\e\\''").toString('latin1')).toBe("a\nbAA\x1b'");
    expect(unquoteShellWord("'it'\\''s'").toString()).toBe("it's");
    expect(unquoteShellWord("$'\\u00e9'").toString()).toBe('é');
  });
});

describe('terminal-literal quoting', () => {
  it('puts Ctrl-V before every control byte but newline and tab', () => {
    expect(literalTerminalInput('a\x03b\nc\td\x7f')).toBe('a\x16\x03b\nc\td\x16\x7f');
    expect(posixPieces(Buffer.from("a'\x04")).join('')).toBe("a'\\''\x16\x04");
  });
});
