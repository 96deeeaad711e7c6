import { parseShell, wordText, type ParsedScript, type ShellWord, type SimpleCommand } from './shell-words';

/** Every command as its words, `?` standing for what is only known at run time. */
function commands(script: ParsedScript): string[][] {
  return script.commands.map((c) => c.words.map(show));
}

function show(word: ShellWord): string {
  return word.parts.map((p) => (p.kind === 'text' ? p.text : '?')).join('');
}

function only(text: string): SimpleCommand {
  const parsed = parseShell(text);
  expect(parsed.commands).toHaveLength(1);
  return parsed.commands[0]!;
}

describe('parseShell', () => {
  it.each([
    ["r''m -rf /", ['rm', '-rf', '/']],
    ['\\rm -rf /', ['rm', '-rf', '/']],
    ['"r"m -rf /', ['rm', '-rf', '/']],
    ["$'r\\x6d' -rf /", ['rm', '-rf', '/']],
    ["$'\\162m' -r$'\\u0066' /", ['rm', '-rf', '/']],
    ['r\\\nm -rf /', ['rm', '-rf', '/']],
    ['"a b"c\'d e\' $"f g"', ['a bcd e', 'f g']],
    ['echo "a\\"b" "\\$x" "\\q"', ['echo', 'a"b', '$x', '\\q']],
  ])('removes quotes and escapes: %j', (text, words) => {
    expect(commands(parseShell(text))).toEqual([words]);
  });

  it('splits on ; && || | |& & and newlines, and knows what reads a pipe', () => {
    const parsed = parseShell('a; b && c || d | e |& f & g\nh');
    expect(commands(parsed)).toEqual([['a'], ['b'], ['c'], ['d'], ['e'], ['f'], ['g'], ['h']]);
    expect(parsed.commands.map((c) => c.pipedInto)).toEqual([
      false,
      false,
      false,
      false,
      true,
      true,
      false,
      false,
    ]);
    expect(parsed.incomplete).toBe(false);
  });

  it('finds commands in subshells, groups and compound commands', () => {
    expect(
      commands(
        parseShell('(cd / && rm -rf *); { ls; }; if true; then rm x; fi; for f in a b; do rm "$f"; done'),
      ),
    ).toEqual([['cd', '/'], ['rm', '-rf', '*'], ['ls'], ['true'], ['rm', 'x'], ['rm', '?']]);
    expect(commands(parseShell('case $x in a|b) rm -rf /;; (c) ls;; esac'))).toEqual([
      ['rm', '-rf', '/'],
      ['ls'],
    ]);
    // The redirection of a compound command stays a command of its own: a write to a device counts there too.
    expect(commands(parseShell('while read l; do echo "$l"; done < f'))).toEqual([
      ['read', 'l'],
      ['echo', '?'],
      [],
    ]);
  });

  it('parses the code inside $( ), backticks, <( ), >( ), ${ } and $(( )) as commands of their own', () => {
    expect(commands(parseShell('echo $(rm -rf /)'))).toEqual([
      ['rm', '-rf', '/'],
      ['echo', '?'],
    ]);
    expect(commands(parseShell('echo `rm -rf /`'))).toEqual([
      ['rm', '-rf', '/'],
      ['echo', '?'],
    ]);
    expect(commands(parseShell('diff <(ls a) >(wc -l)'))).toEqual([
      ['ls', 'a'],
      ['wc', '-l'],
      ['diff', '?', '?'],
    ]);
    expect(commands(parseShell('echo "${x:-$(rm -rf /)}"'))).toEqual([
      ['rm', '-rf', '/'],
      ['echo', '?'],
    ]);
    expect(commands(parseShell('echo $((1 + $(rm -rf /)))'))).toEqual([
      ['rm', '-rf', '/'],
      ['echo', '?'],
    ]);
    expect(commands(parseShell('echo "$(echo "$(rm -rf /)")"'))).toEqual([
      ['rm', '-rf', '/'],
      ['echo', '?'],
      ['echo', '?'],
    ]);
    expect(commands(parseShell('x=$(rm -rf /)'))).toEqual([['rm', '-rf', '/'], []]);
  });

  it('marks variables and substitutions as unknown, quoted or not', () => {
    const c = only('$CMD "$HOME/x" ${A}b');
    expect(c.words.map((w) => w.parts.map((p) => [p.kind, p.quoted]))).toEqual([
      [['unknown', false]],
      [
        ['unknown', true],
        ['text', true],
      ],
      [
        ['unknown', false],
        ['text', false],
      ],
    ]);
    expect(wordText(c.words[1]!)).toBeNull();
    expect(wordText(only('echo hi').words[1]!)).toBe('hi');
  });

  it('keeps assignments and redirections apart from the words', () => {
    const c = only('FOO=1 BAR="x y" rm -rf / > /dev/sda 2>&1 < in &>> log');
    expect(c.assignments.map((a) => [a.name, show(a.value)])).toEqual([
      ['FOO', '1'],
      ['BAR', 'x y'],
    ]);
    expect(c.words.map(show)).toEqual(['rm', '-rf', '/']);
    expect(c.redirects.map((r) => [r.op, show(r.target)])).toEqual([
      ['>', '/dev/sda'],
      ['>&', '1'],
      ['<', 'in'],
      ['&>>', 'log'],
    ]);
    expect(only('echo=1').assignments).toHaveLength(1);
    expect(only('1a=1 x').words.map(show)).toEqual(['1a=1', 'x']);
  });

  it('reads heredoc bodies as data, and the substitutions of unquoted ones as commands', () => {
    expect(commands(parseShell('cat <<EOF\nrm -rf /\nEOF\nls'))).toEqual([['cat'], ['ls']]);
    expect(parseShell('cat <<EOF\nrm -rf /\nEOF').commands[0]!.heredocs).toEqual([
      { body: 'rm -rf /\n', quoted: false },
    ]);
    expect(commands(parseShell('cat <<EOF\n$(rm -rf /)\nEOF'))).toEqual([['cat'], ['rm', '-rf', '/']]);
    expect(commands(parseShell("cat <<'EOF'\n$(rm -rf /)\nEOF"))).toEqual([['cat']]);
    expect(commands(parseShell('cat <<-EOF\n\t$(ls)\n\tEOF\necho'))).toEqual([['cat'], ['ls'], ['echo']]);
    expect(only('bash <<< "rm -rf /"').hereStrings.map(show)).toEqual(['rm -rf /']);
  });

  it('skips comments, but not a # inside a word', () => {
    expect(commands(parseShell('ls # ; rm -rf /\necho a#b'))).toEqual([['ls'], ['echo', 'a#b']]);
  });

  it('keeps [[ ]] and (( )) expressions from looking like commands or redirections', () => {
    expect(commands(parseShell('[[ a < b && -f /dev/sda ]] && (( i > 2 )) && ls'))).toEqual([['ls']]);
    expect(parseShell('[[ a > /dev/sda ]]').commands.flatMap((c) => c.redirects)).toEqual([]);
  });

  it('records function definitions and the commands inside their bodies', () => {
    const bomb = parseShell(':(){ :|:& };:');
    expect(commands(bomb)).toEqual([[':'], [':'], [':']]);
    expect(bomb.commands.map((c) => c.inFunction)).toEqual([':', ':', undefined]);
    const named = parseShell('function f { f; }; g() ( ls ); f');
    expect(named.commands.map((c) => [show(c.words[0]!), c.inFunction])).toEqual([
      ['f', 'f'],
      ['ls', 'g'],
      ['f', undefined],
    ]);
  });

  it.each([
    ["echo 'abc", true],
    ['echo "abc', true],
    ['echo abc\\', true],
    ['cat <<EOF\nline', true],
    ['ls |', true],
    ['ls &&', true],
    ['echo $(ls', true],
    ['echo `ls', true],
    ['( ls', true],
    ['f() {', true],
    ['echo \'a\' "b" c', false],
    ['cat <<EOF\nline\nEOF', false],
    ['ls | wc -l', false],
    ['ls &', false],
    ['', false],
  ])('knows %j is incomplete: %s', (text, incomplete) => {
    expect(parseShell(text).incomplete).toBe(incomplete);
  });

  it('bounds its work: too many commands or too deep a nesting is reported, not followed', () => {
    expect(parseShell('ls;'.repeat(5000)).truncated).toBe(true);
    expect(parseShell('echo a '.repeat(60_000)).truncated).toBe(true);
    expect(parseShell('ls;'.repeat(10)).truncated).toBe(false);
    expect(parseShell(`${'$('.repeat(200)}ls${')'.repeat(200)}`).truncated).toBe(true);
  });

  it('never throws, whatever the text', () => {
    for (const text of [
      '))))',
      '}}}',
      ';;;',
      '$(',
      '${',
      '<<',
      '<<<',
      '&>',
      "$'\\",
      '\\',
      '`',
      'a=(',
      '(((',
    ]) {
      expect(() => parseShell(text)).not.toThrow();
    }
  });
});
