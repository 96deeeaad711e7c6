import { execFileSync } from 'node:child_process';
import { unquoteShellWord } from './shell-quote';

/** The bytes bash makes of `word` (real bash, C locale): the reference unquoteShellWord must agree with. */
function bashBytes(word: string): Buffer {
  return execFileSync('bash', ['--norc', '--noprofile', '-c', `printf '%s' ${word}`], {
    env: { PATH: process.env['PATH'] ?? '', LC_ALL: 'C.UTF-8' },
  });
}

describe("unquoteShellWord agrees with bash on $'...' escapes", () => {
  it.each([
    ["$'\\x41\\x4a2'", 'hex escapes of one and two digits'],
    ["$'a\\xZb'", 'a \\x without hex digits, kept as written'],
    ["$'\\cA\\cz'", 'control characters'],
    ["$'\\u00e9\\U0001F600'", 'Unicode escapes, as UTF-8'],
    ["$'\\uZ\\UZ'", '\\u and \\U without digits, kept as written'],
    ["$'\\q\\%'", 'unknown escapes, kept with their backslash'],
    ["$'\\0101\\1'", 'octal escapes of up to three digits'],
    ["$'\\a\\b\\f\\v\\r\\t'", 'the C escapes'],
  ])('%s (%s)', (word) => {
    expect(unquoteShellWord(word)).toEqual(bashBytes(word));
  });

  it('reads an unterminated quote to the end of the word, as an unterminated word is completed', () => {
    expect(unquoteShellWord("'abc").toString()).toBe('abc');
    expect(unquoteShellWord("$'abc").toString()).toBe('abc');
    expect(unquoteShellWord("$'ab\\").toString()).toBe('ab\\');
    expect(unquoteShellWord('trailing\\').toString()).toBe('trailing\\');
  });
});
