import { ANY, compileGlob, DEEP, globsIntersect, STAR, wordGlobs, type Glob } from './path-glob';
import { parseShell, type ShellWord } from './shell-words';

/** The last word of a command line (a substitution inside it is parsed as a command of its own, first). */
function word(text: string): ShellWord {
  return parseShell(text).commands.at(-1)!.words.at(-1)!;
}

/** A glob as text: wildcards shown as `*`, `?` and `**`. */
function show(glob: Glob): string {
  return glob.map((t) => (t === STAR ? '*' : t === ANY ? '?' : t === DEEP ? '**' : t)).join('');
}

function globsOf(text: string, cwd?: string | null): { globs: string[]; unknown: string | null } {
  const found = wordGlobs(word(text), cwd);
  return { globs: found.globs.map(show), unknown: found.unknown };
}

describe('compileGlob (rule patterns)', () => {
  it('reads *, ?, ** and backslash-escaped literals', () => {
    expect(compileGlob('/etc/*.conf')).toEqual(['/', 'e', 't', 'c', '/', STAR, '.', 'c', 'o', 'n', 'f']);
    expect(compileGlob('a?**')).toEqual(['a', ANY, DEEP]);
    expect(compileGlob('\\*x\\')).toEqual(['*', 'x', '\\']);
  });
});

describe('wordGlobs (what a word can be when it runs)', () => {
  it('turns unquoted wildcards and bracket sets into wildcards, and leaves quoted ones literal', () => {
    expect(globsOf('/tmp/*.log')).toEqual({ globs: ['/tmp/*.log'], unknown: null });
    expect(globsOf('/tmp/[ab]x?')).toEqual({ globs: ['/tmp/?x?'], unknown: null });
    expect(globsOf("'/tmp/*'")).toEqual({ globs: ['/tmp/*'], unknown: null });
    expect(wordGlobs(word("'/tmp/*'")).globs[0]).toContain('*');
    expect(globsOf('/a/***')).toEqual({ globs: ['/a/**'], unknown: null });
  });

  it('expands braces, nested ones too', () => {
    expect(globsOf('/etc/{passwd,shadow}').globs).toEqual(['/etc/passwd', '/etc/shadow']);
    expect(globsOf('/x/{a,b{1,2}}').globs).toEqual(['/x/a', '/x/b1', '/x/b2']);
    expect(globsOf('/x/{a}').globs).toEqual(['/x/{a}']);
  });

  it('gives up on brace expansions too large to follow, as anything', () => {
    expect(globsOf('/{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}')).toEqual({
      globs: ['**'],
      unknown: 'a brace expansion too large to follow',
    });
    const nine = '{a,b,c,d,e,f,g,h,i}';
    expect(globsOf(`/${nine}'-'${nine}`)).toEqual({
      globs: ['**'],
      unknown: 'a brace expansion too large to follow',
    });
    expect(globsOf('/{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}{q,r}').unknown).toBe(
      'a brace expansion too large to follow',
    );
  });

  it('names what is only known at run time', () => {
    expect(globsOf('/home/$USER/x')).toEqual({ globs: ['/home/**/x'], unknown: 'a variable' });
    expect(globsOf('$(pwd)/x').unknown).toBe('a command substitution');
    expect(globsOf('/x/$((1+2))').unknown).toBe('an arithmetic expansion');
    expect(globsOf('cat <(ls)').unknown).toBe('a process substitution');
  });

  it('resolves relative paths against a known cwd and normalises . and ..', () => {
    expect(globsOf('x/./y/../z/', '/home/u').globs).toEqual(['/home/u/x/z']);
    expect(globsOf('../..', '/a/b').globs).toEqual(['/']);
    expect(globsOf('//etc//passwd').globs).toEqual(['/etc/passwd']);
    expect(globsOf('x', undefined).globs).toEqual(['x']);
  });

  it('treats a relative path under a directory known only at run time as anywhere', () => {
    expect(globsOf('x', null)).toEqual({
      globs: ['**/x'],
      unknown: 'a working directory computed at run time',
    });
    expect(globsOf('/abs', null)).toEqual({ globs: ['/abs'], unknown: null });
  });

  it('does not compare an absurdly long word character by character', () => {
    expect(globsOf('/' + 'a'.repeat(9000))).toEqual({
      globs: ['**'],
      unknown: 'an argument too long to check',
    });
  });
});

describe('globsIntersect (can one path match both?)', () => {
  const yes = (a: string, b: string) => expect(globsIntersect(compileGlob(a), compileGlob(b))).toBe(true);
  const no = (a: string, b: string) => expect(globsIntersect(compileGlob(a), compileGlob(b))).toBe(false);

  it('answers for literals quickly, by their edges', () => {
    yes('/etc/passwd', '/etc/passwd');
    no('/etc/passwd', '/etc/shadow');
    no('/etc/a', '/etc/ab');
  });

  it('lets * stay within one component and ** cross them', () => {
    yes('/etc/*', '/etc/passwd');
    no('/etc/*', '/etc/ssh/key');
    yes('/etc/**', '/etc/ssh/key');
    yes('/etc/ssh/key', '/etc/**');
    no('/etc/ssh/key', '/etc/*');
    yes('/**/key', '/etc/*/key');
  });

  it('matches ? against any character but /', () => {
    yes('/tmp/?', '/tmp/a');
    yes('/tmp/?', '/tmp/?');
    no('/tmp/?', '/tmp//');
    yes('/tmp/a?', '/tmp/*b');
  });
});
