import { parseCommandLine, wordText, type ShellWord } from './shell-words';

/** A word as text: `<NAME>` for a variable reference, a leading `!` when only the shell can know it. */
function show(word: ShellWord): string {
  return (
    (word.dynamic ? '!' : '') + word.parts.map((p) => (p.kind === 'text' ? p.text : `<${p.name}>`)).join('')
  );
}

function words(line: string): string[][] {
  return parseCommandLine(line).commands.map((c) => c.words.map(show));
}

describe('parseCommandLine (environment tracking)', () => {
  it('splits simple commands on every operator and records the operators around each', () => {
    const parsed = parseCommandLine('export A=1 && unset B || C=2 | D=3 & E=4');
    expect(parsed.complex).toBe(false);
    expect(parsed.commands.map((c) => [c.joinedBy, c.words.map(show), c.endedBy])).toEqual([
      [';', ['export', 'A=1'], '&&'],
      ['&&', ['unset', 'B'], '||'],
      ['||', ['C=2'], '|'],
      ['|', ['D=3'], '&'],
      ['&', ['E=4'], ';'],
    ]);
    expect(parseCommandLine('a |& b').commands.map((c) => c.endedBy)).toEqual(['|', ';']);
  });

  it('drops redirections and comments from the words', () => {
    expect(words('a &> f; b > out < in')).toEqual([
      ['a', 'f'],
      ['b', 'out', 'in'],
    ]);
    expect(words('ls # comment')).toEqual([['ls']]);
  });

  it('keeps plain variable references and marks every other expansion dynamic', () => {
    expect(words('echo $HOME ${USER} $1 $? $(pwd) ${X:-d}')).toEqual([
      ['echo', '<HOME>', '<USER>', '!', '!', '!', '!'],
    ]);
    expect(words('echo `a b` *.txt ~')).toEqual([['echo', '!', '!*.txt', '!~']]);
    expect(words('echo $ "$"')).toEqual([['echo', '$', '$']]);
  });

  it('removes quotes and escapes as bash does', () => {
    expect(words('echo "a $B \\$c \\" `date` d"')).toEqual([['echo', '!a <B> $c "  d']]);
    expect(words("echo $'a\\tb\\x41\\101\\q'")).toEqual([['echo', 'a\tbAA\\q']]);
    expect(words('echo it\\ s a\\\nb "c\\\nd"')).toEqual([['echo', 'it s', 'ab', 'cd']]);
  });

  it('keeps the raw text of a word, so a quoted assignment is not taken for one', () => {
    const [word] = parseCommandLine('"A=b"').commands[0]!.words;
    expect(word!.rawText).toBe('"A=b"');
    expect(wordText(word!)).toBe('A=b');
  });

  it('marks commands inside parentheses as nested', () => {
    expect(parseCommandLine('(cd /tmp; ls); pwd').commands.map((c) => c.nested)).toEqual([true, true, false]);
  });

  it.each([
    ['if true; then a; fi'],
    ['case x in a) b;; esac'],
    ['echo ) x'],
    ["echo 'unclosed"],
    ['echo "unclosed'],
    ["echo $'unclosed"],
    ['echo $(unclosed'],
    ['echo "`unclosed"'],
  ])('calls %j complex rather than guess', (line) => {
    expect(parseCommandLine(line).complex).toBe(true);
  });
});

describe('wordText', () => {
  it('is the text of an all-literal word, and undefined for references or dynamic words', () => {
    const [plain, ref, dynamic] = parseCommandLine('abc $X $(y)').commands[0]!.words;
    expect(wordText(plain!)).toBe('abc');
    expect(wordText(ref!)).toBeUndefined();
    expect(wordText(dynamic!)).toBeUndefined();
  });
});
