import { parseShell, type ParsedScript, type ShellWord } from './shell-words';

/** Every command as its words, `?` standing for what is only known at run time. */
function commands(script: ParsedScript): string[][] {
  return script.commands.map((c) => c.words.map(show));
}

function show(word: ShellWord): string {
  return word.parts.map((p) => (p.kind === 'text' ? p.text : '?')).join('');
}

// Corners of quoting and expansion, each where a guard would go wrong if the reader did: a program name
// spelled through an escape, or a command hidden inside an expansion the reader must enter.
describe('the shell word reader', () => {
  it.each([
    // ANSI-C escapes as bash decodes them.
    ["$'\\x72\\u006d' x", 'rm'],
    ["$'\\U0000006d'", 'm'],
    ["$'\\x' y", '\\x'],
    ["$'\\U110000'", '\\U'],
    // At most three octal digits, as in bash: `\016` then `2`.
    ["$'\\0162m'", '\x0e2m'],
    ["$'\\cA'", '\x01'],
    ["$'a\\'b'", "a'b"],
    ["$'\\\"\\?\\\\'", '"?\\'],
    ["$'\\q'", '\\q'],
    ["$'\\e\\t'", '\x1b\t'],
  ])('decodes %j to %j', (text, first) => {
    expect(commands(parseShell(text))[0]![0]).toBe(first);
  });

  it('reads an ANSI-C quote, a backquote or a double quote left open as incomplete', () => {
    for (const open of [
      "echo $'abc",
      "echo $'abc\\",
      'echo `ls',
      'echo "a',
      'echo ${x',
      'echo $((1',
      'a=(1 2',
    ]) {
      expect({ open, incomplete: parseShell(open).incomplete }).toEqual({ open, incomplete: true });
    }
    // A `\c` at the very end: nothing left to control.
    expect(parseShell("echo $'\\c").incomplete).toBe(true);
  });

  it('follows a line continuation and a backquote inside double quotes', () => {
    expect(commands(parseShell('echo "a\\\nb"'))).toEqual([['echo', 'ab']]);
    expect(commands(parseShell('echo "x`rm -rf /`"'))).toEqual([
      ['rm', '-rf', '/'],
      ['echo', 'x?'],
    ]);
    // Escaped backquotes and dollars inside backquotes lose their backslash: a nested substitution runs.
    expect(commands(parseShell('echo `echo \\`rm -rf /\\` \\$y`'))).toEqual([
      ['rm', '-rf', '/'],
      ['echo', '?', '?'],
      ['echo', '?'],
    ]);
  });

  it('reads $[ ], special parameters and a lone $ as what they are', () => {
    expect(commands(parseShell('echo $[1+2] $? $1 $$ $@ a$ $'))).toEqual([
      ['echo', '?', '?', '?', '?', '?', 'a$', '$'],
    ]);
    expect(parseShell('echo $[1').incomplete).toBe(false);
  });

  it('finds commands inside ${ } through its quotes, backquotes and escapes', () => {
    expect(commands(parseShell('echo ${x:-`rm -rf /`}'))).toEqual([
      ['rm', '-rf', '/'],
      ['echo', '?'],
    ]);
    expect(commands(parseShell('echo ${x:-"$(ls /)"} ${y:-\'}\'} ${z:-\\}}'))).toEqual([
      ['ls', '/'],
      ['echo', '?', '?', '?'],
    ]);
  });

  it('finds commands inside $(( )) through nested parentheses, backquotes and escapes', () => {
    expect(commands(parseShell('echo $(( (1 + `rm -rf /`) * \\2 ))'))).toEqual([
      ['rm', '-rf', '/'],
      ['echo', '?'],
    ]);
    expect(commands(parseShell('(( (a) )) && ls'))).toEqual([['ls']]);
  });

  it('reads the words of an array value, across lines, and the commands in them', () => {
    expect(commands(parseShell('a=(1\n"$(rm -rf /)" )\nls'))).toEqual([['rm', '-rf', '/'], [], ['ls']]);
  });

  it('stops following substitutions past its depth limit, and says so', () => {
    const deep = `${'echo $('.repeat(40)}rm -rf /${')'.repeat(40)}`;
    const parsed = parseShell(deep);
    expect(parsed.truncated).toBe(true);
    expect(parsed.incomplete).toBe(false);
    const deepBackquotes = `echo ${'$(echo '.repeat(32)}\`rm -rf /\`${')'.repeat(32)}`;
    expect(parseShell(deepBackquotes).truncated).toBe(true);
    // Too deep and never closed: the skipped text is incomplete too.
    expect(parseShell(`${'echo $('.repeat(40)}ls`).incomplete).toBe(true);
  });
});
